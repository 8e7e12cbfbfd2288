// Browser entry for cms1500.html: mounts the React form and mirrors its state
// into <pre id="state"> (what "the portal registered", for tests and people).
import React from "react";
import { createRoot } from "react-dom/client";
import { Cms1500Form, EMPTY, SAMPLE } from "./cms1500-form.jsx";

const initial = new URLSearchParams(location.search).has("sample") ? SAMPLE : EMPTY;
const show = (s) => { document.getElementById("state").textContent = JSON.stringify(s, null, 1); };
show(initial);
createRoot(document.getElementById("app")).render(<Cms1500Form initial={initial} onState={show} />);
