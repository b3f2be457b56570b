// Runs at the top of <body> (as a file, not inline, so the Content-Security-Policy needs no
// 'unsafe-inline'): GOV.UK Frontend styles and initialises components only where this is set.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
