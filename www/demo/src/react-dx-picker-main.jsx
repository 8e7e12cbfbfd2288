// Encounter diagnoses in a React app built on the two pickers React EHRs use, reproduced from
// their real source (the DOM they render, their aria attributes, their controlled inputs):
//   github:JedWatson/react-select packages/react-select/src/Select.tsx (renderInput: role=combobox,
//     aria-autocomplete=list, aria-expanded, aria-haspopup, aria-label/-labelledby from props,
//     aria-controls=<prefix>-listbox while the menu is open, aria-describedby=<prefix>-placeholder while
//     nothing is selected; renderPlaceholderOrValue: the placeholder is a <div>, gone once text is typed;
//     onInputBlur: onInputChange("", {action: "input-blur"}))
//   github:JedWatson/react-select packages/react-select/src/components/Input.tsx (the input inside
//     div[data-value] in the value container) and components/Menu.tsx (MenuList role=listbox, NoOptionsMessage)
//   github:carbon-design-system/carbon packages/react/src/components/ComboBox/ComboBox.tsx (Downshift
//     useCombobox: label.cds--label[id][for] above div.cds--list-box > .cds--list-box__field > input[role=combobox]
//     with aria-labelledby=the label's id, aria-controls=the menu ul[role=listbox]; allowCustomValue keeps
//     what was typed on blur)
// Labels: the first react-select is labelled from elsewhere (aria-labelledby to a label in another
// column), the second only by a <label> with no htmlFor above its container and its placeholder
// (react-select's default when no aria-label is passed). The page keeps the typed text the way the
// react-select docs show (inputValue controlled, only "input-change" actions stored). Saving gives new
// diagnoses their record id, which is the React key: the pickers are mounted again (new <input>
// elements) with the saved values. The reason-for-visit input is mounted anew on every keystroke. The state the page registered is mirrored into <pre id="state">.
import React, { useId, useRef, useState } from "react";
import { createRoot } from "react-dom/client";

// stand-in for the server's concept search (a local list: no request leaves the page)
const CONCEPTS = ["Essential (primary) hypertension", "Hyperlipidemia, unspecified", "Asthma, unspecified", "Gastro-esophageal reflux disease"];
const matches = (q) => (q.trim().length < 2 ? [] : CONCEPTS.filter((c) => c.toLowerCase().includes(q.trim().toLowerCase())));

let selectInstance = 2;
function ReactSelect({ "aria-labelledby": labelledBy, "aria-label": ariaLabel, placeholder = "Select...", inputValue, onInputChange }) {
  const [prefix] = useState(() => `react-select-${selectInstance++}`);
  const [menuIsOpen, setMenuIsOpen] = useState(false);
  const [focused, setFocused] = useState(false);
  const options = matches(inputValue);
  return (
    <div className={`css-b62m3t-container${focused ? " is-focused" : ""}`} style={{ position: "relative", width: 320 }}>
      <span id={`${prefix}-live-region`} className="css-1f43avz-a11yText-A11yText"></span>
      <span aria-live="polite" aria-atomic="false" aria-relevant="additions text" role="log" className="css-1f43avz-a11yText-A11yText"></span>
      <div className="css-13cymwt-control" style={{ display: "flex", border: "1px solid #ccc", borderRadius: 4, minHeight: 38, background: "#fff" }}>
        <div className="css-hlgwow" style={{ display: "grid", flex: 1, padding: "2px 8px", alignItems: "center" }}>
          {inputValue ? null : <div className="css-1jqq78o-placeholder" id={`${prefix}-placeholder`} style={{ gridArea: "1 / 1 / 2 / 3", color: "#808080" }}>{placeholder}</div>}
          <div className="css-19bb58m" data-value={inputValue} style={{ gridArea: "1 / 1 / 2 / 3", display: "inline-grid" }}>
            <input className="" autoCapitalize="none" autoComplete="off" autoCorrect="off" id={`${prefix}-input`} spellCheck="false" tabIndex={0} type="text"
              aria-autocomplete="list" aria-expanded={menuIsOpen} aria-haspopup="true" aria-label={ariaLabel} aria-labelledby={labelledBy}
              role="combobox" aria-activedescendant="" aria-controls={menuIsOpen ? `${prefix}-listbox` : undefined}
              aria-describedby={`${prefix}-placeholder`} value={inputValue}
              onChange={(e) => { onInputChange(e.target.value, { action: "input-change" }); setMenuIsOpen(true); }}
              onFocus={() => setFocused(true)}
              onBlur={() => { setFocused(false); setMenuIsOpen(false); onInputChange("", { action: "input-blur" }); onInputChange("", { action: "menu-close" }); }}
              onKeyDown={(e) => { if (e.key === "Escape") setMenuIsOpen(false); }}
              style={{ color: "inherit", background: "0px center", opacity: 1, width: "100%", gridArea: "1 / 2", font: "inherit", minWidth: 2, border: 0, margin: 0, outline: 0, padding: 0 }} />
          </div>
        </div>
        <div className="css-1wy0on6"><span className="css-1u9des2-indicatorSeparator"></span><div className="css-1xc3v61-indicatorContainer" aria-hidden="true">▾</div></div>
      </div>
      {menuIsOpen && inputValue ? (
        <div className="css-1nmdiq5-menu" style={{ position: "absolute", top: "100%", left: 0, width: "100%", zIndex: 1, background: "#fff", boxShadow: "0 0 0 1px hsla(0,0%,0%,.1), 0 4px 11px hsla(0,0%,0%,.1)", marginTop: 8 }}>
          <div className="css-1n6sfyn-MenuList" role="listbox" aria-multiselectable="false" id={`${prefix}-listbox`} style={{ maxHeight: 300, overflowY: "auto", padding: "4px 0" }}>
            {options.length ? options.map((o, i) => (
              <div key={o} className="css-10wo9uf-option" aria-disabled="false" id={`${prefix}-option-${i}`} tabIndex={-1} role="option" aria-selected="false"
                style={{ padding: "8px 12px" }} onMouseDown={(e) => e.preventDefault()} onClick={() => { onInputChange(o, { action: "set-value" }); setMenuIsOpen(false); }}>{o}</div>
            )) : <div className="css-1wlit7h-NoOptionsMessage" style={{ padding: "8px 12px", color: "#999", textAlign: "center" }}>No options</div>}
          </div>
        </div>
      ) : null}
    </div>
  );
}

function ComboBox({ id, titleText, helperText, placeholder, value, onChange }) {
  const reactId = useId();
  const prefix = `downshift-${reactId}`;
  const [open, setOpen] = useState(false);
  const items = matches(value);
  return (
    <div className="cds--list-box__wrapper" id={id}>
      <label className="cds--label" id={`${prefix}-label`} htmlFor={`${prefix}-input`}>{titleText}</label>
      <div className={`cds--combo-box cds--list-box cds--list-box--lg${open ? " cds--list-box--expanded" : ""}`} style={{ position: "relative", width: 320 }}>
        <div className="cds--list-box__field">
          <input className={`cds--text-input${value ? "" : " cds--text-input--empty"}`} type="text" tabIndex={0} role="combobox" aria-activedescendant=""
            aria-autocomplete="list" aria-controls={`${prefix}-menu`} aria-expanded={open && items.length > 0} aria-haspopup="listbox"
            aria-labelledby={`${prefix}-label`} autoComplete="off" id={`${prefix}-input`} placeholder={placeholder} value={value}
            onChange={(e) => { onChange(e.target.value); setOpen(true); }} onBlur={() => setOpen(false)} style={{ width: "100%" }} />
          <div role="button" className="cds--list-box__menu-icon" tabIndex={-1} aria-label="Open" title="Open">▾</div>
        </div>
        <ul id={`${prefix}-menu`} role="listbox" aria-labelledby={`${prefix}-label`} className="cds--list-box__menu"
          style={{ position: "absolute", top: "100%", left: 0, width: "100%", margin: 0, padding: 0, background: "#fff", listStyle: "none", zIndex: 1 }}>
          {open ? items.map((it, i) => (
            <li key={it} id={`${prefix}-item-${i}`} role="option" aria-selected="false" className="cds--list-box__menu-item" style={{ padding: "8px 12px" }}
              onMouseDown={(e) => e.preventDefault()} onClick={() => { onChange(it); setOpen(false); }}>
              <div className="cds--list-box__menu-item__option">{it}</div>
            </li>
          )) : null}
        </ul>
      </div>
      <div className="cds--form__helper-text">{helperText}</div>
    </div>
  );
}

let nextRecord = 501;
function EncounterDiagnoses() {
  const [rows, setRows] = useState([
    { key: "new-1", recordId: null, role: "primary", text: "" },
    { key: "new-2", recordId: null, role: "secondary", text: "" },
    { key: "new-3", recordId: null, role: "admitting", text: "" },
  ]);
  const [notes, setNotes] = useState("");
  const [reason, setReason] = useState("");
  const reasonHadFocus = useRef(false);
  // A component type made inside render (a common slip): React mounts a new <input> on every render of
  // this form, i.e. on every keystroke; the page keeps typing going by focusing the new one.
  const ReasonField = () => (
    <input id="visit-reason" type="text" aria-label="Reason for visit (ICD-10)" value={reason} autoComplete="off"
      ref={(el) => { if (el && reasonHadFocus.current && document.activeElement !== el) el.focus(); }}
      onFocus={() => { reasonHadFocus.current = true; }}
      onBlur={(e) => { if (e.target.isConnected) reasonHadFocus.current = false; }}
      onChange={(e) => setReason(e.target.value)} />
  );
  const [patient, setPatient] = useState("");
  const setText = (role) => (text) => setRows((rs) => rs.map((r) => (r.role === role ? { ...r, text } : r)));
  const row = (role) => rows.find((r) => r.role === role);
  // react-select docs: keep only what the user typed (blur and menu-close would clear it)
  const onInputChange = (role) => (v, meta) => { if (meta.action === "input-change" || meta.action === "set-value") setText(role)(v); };
  const save = (e) => {
    e.preventDefault();
    // saved diagnoses get their record id, which is also their React key: the pickers mount again
    setRows((rs) => rs.map((r) => (r.text && !r.recordId ? { ...r, recordId: nextRecord, key: `dx-${nextRecord++}` } : r)));
  };
  const state = { ...Object.fromEntries(rows.map((r) => [r.role, r.text])), records: rows.map((r) => r.recordId), notes, patient, reason };
  return (
    <>
      <form className="encounter-dx" onSubmit={save}>
        <div className="patient-lookup" style={{ marginBottom: 12 }}>
          <input id="patient-lookup" type="search" placeholder="Find patient by name or MRN" aria-label="Find patient" value={patient} onChange={(e) => setPatient(e.target.value)} />
        </div>
        <div className="form-grid" style={{ display: "grid", gridTemplateColumns: "200px 340px", gap: "12px 16px", alignItems: "start" }}>
          <div className="form-grid__label"><label id="primary-dx-label" className="form-label">Primary diagnosis (ICD-10-CM)</label></div>
          <div className="form-grid__control" id="primary-control" key={row("primary").key}>
            <ReactSelect aria-labelledby="primary-dx-label" placeholder="Search…" inputValue={row("primary").text} onInputChange={onInputChange("primary")} />
          </div>
          <div className="form-grid__control" id="secondary-control" style={{ gridColumn: "2" }} key={row("secondary").key}>
            <div className="mb-3">
              <label className="form-label">Secondary diagnosis</label>
              <ReactSelect placeholder="Search ICD-10 diagnosis" inputValue={row("secondary").text} onInputChange={onInputChange("secondary")} />
            </div>
          </div>
          <div className="form-grid__control" style={{ gridColumn: "2" }} key={row("admitting").key}>
            <ComboBox id="admitting" titleText="Admitting diagnosis" helperText="Type to search; a code may be typed" placeholder="Search"
              value={row("admitting").text} onChange={setText("admitting")} />
          </div>
          <div className="form-grid__label"><span className="form-label">Reason for visit</span></div>
          <div className="form-grid__control"><ReasonField /></div>
          <div className="form-grid__label"><label htmlFor="encounter-notes" className="form-label">Notes</label></div>
          <div className="form-grid__control"><textarea id="encounter-notes" rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} /></div>
        </div>
        <button type="submit" className="btn btn-primary" id="save-dx">Save diagnoses</button>
      </form>
      <pre id="state-mirror" hidden>{JSON.stringify(state)}</pre>
    </>
  );
}

const root = createRoot(document.getElementById("app"));
root.render(<EncounterDiagnoses />);
// #state sits outside the React root (the tests read it); mirror after each commit
new MutationObserver(() => {
  const m = document.getElementById("state-mirror");
  if (m) document.getElementById("state").textContent = m.textContent;
}).observe(document.getElementById("app"), { subtree: true, childList: true, characterData: true });
