"""Every sentence the LTI pages show a person, in one place. A refusal says what went
wrong in words a student can pass on to staff, never a key, token or stack trace."""

REFUSED_TITLE = "This launch from your course site could not be accepted"
UNKNOWN_PLATFORM = (
    "This course site is not registered with Quizsite. Ask the site's administrator to "
    "register it (see the LTI set-up guide)."
)
UNKNOWN_DEPLOYMENT = (
    "This installation of Quizsite in your course site is not registered. Ask the site's "
    "administrator to add its deployment id."
)
BAD_SIGNATURE = (
    "The launch was not signed by your course site. Please launch again from the course."
)
EXPIRED = "The launch has expired. Please go back to your course site and open the link again."
REPLAYED = (
    "This launch was already used or has expired. Please go back to your course site and "
    "open the link again."
)
WRONG_AUDIENCE = "The launch was meant for another tool. Please launch again from the course."
# A sentence for people, not a credential (the name is what bandit reads as one).
BAD_TOKEN = "The launch message was incomplete or malformed. Please launch again from the course."  # noqa: S105
PLATFORM_UNREACHABLE = (
    "Your course site could not be reached to check the launch. Please try again."
)
NO_COURSE_YET = (
    "This course has not been set up in Quizsite yet. Your instructor needs to open "
    "Quizsite from the course site once first."
)
NOT_A_MEMBER_ROLE = "Your role in this course does not give access to Quizsite."
UNKNOWN_TARGET = "The quiz or milestone this link points to no longer exists."
DEEP_LINK_STAFF_ONLY = "Only the course's instructors can add Quizsite items to the course."
COOKIES_BLOCKED = (
    "Your browser did not keep Quizsite's sign-in cookie inside the course page. "
    "Open Quizsite in a new window to continue."
)
ACCOUNT_CONFLICT = (
    "Quizsite could not link your course-site account: another Quizsite account already "
    "uses this identity. Please ask your instructor."
)
NO_ROSTER_SERVICE = "The course site did not offer its roster service for this course."
ROSTER_FAILED = "The roster could not be read from the course site: {error}"
SENT_AGAIN = "The score will be sent again."
