// Sends the form on the page to the LMS at once (a deep-linking response): the
// page has nothing else to show. A button stands in when scripts are off.
document.getElementById("lti-autopost").submit();
