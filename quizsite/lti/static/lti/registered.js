// LTI Dynamic Registration: tell the LMS page that opened us that we are done, so it
// closes its registration dialog (IMS LTI-DR 1.0, section 3.6.2).
(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
