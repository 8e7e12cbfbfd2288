// Server-side render of the same form for cms1500-csp.html, which is served
// with "Content-Security-Policy: default-src 'none'": no script, no style.
import React from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Cms1500Form, SAMPLE } from "./cms1500-form.jsx";

export function renderStatic() {
  const form = renderToStaticMarkup(<Cms1500Form initial={SAMPLE} />);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Payer portal (strict CSP) — CMS-1500</title></head>
<body><h1>Payer portal under Content-Security-Policy: default-src 'none'</h1>${form}<p id="submitted"></p></body></html>`;
}
