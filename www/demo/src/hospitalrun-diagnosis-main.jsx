// HospitalRun's "New Diagnosis" form, reproduced from its real React source:
//   github:HospitalRun/hospitalrun-frontend src/patients/diagnoses/DiagnosisForm.tsx (the fields, in order)
//   src/shared/components/input/TextInputWithLabelFormGroup.tsx  (div.form-group > label[for=<name>TextInput] +
//     input#<name>TextInput, placeholder = the label)
//   src/shared/components/input/DatePickerWithLabelFormGroup.tsx (div.form-group > label[for=<name>DatePicker] +
//     DateTimePicker — which is not given that id: the label's for= names no element, and the date input
//     (react-datepicker's, inside .react-datepicker-wrapper > .react-datepicker__input-container) has no id,
//     no name and no placeholder: the label above its wrapper is all that says what it is)
//   src/shared/components/input/TextFieldWithLabelFormGroup.tsx  (label[for=<name>TextField] + textarea)
// react-datepicker keeps what is typed while the field has focus, calls onChange with each parseable
// date (MM/dd/yyyy), and on blur shows the selected date again (an unparseable entry is dropped).
// The state the page registered is mirrored into <pre id="state">.
import React, { useState } from "react";
import { createRoot } from "react-dom/client";

const fmt = (d) => (d ? `${String(d.getMonth() + 1).padStart(2, "0")}/${String(d.getDate()).padStart(2, "0")}/${d.getFullYear()}` : "");
function parse(s) {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s.trim());
  if (!m) return null;
  const d = new Date(Number(m[3]), Number(m[1]) - 1, Number(m[2]));
  return d.getMonth() === Number(m[1]) - 1 && d.getDate() === Number(m[2]) ? d : null;
}

function Label({ text, htmlFor, isRequired }) {
  return <label className="form-label" htmlFor={htmlFor}>{text}{isRequired ? <span className="text-danger"> *</span> : null}</label>;
}

function DateTimePicker({ selected, onChange, disabled }) {
  const [inputValue, setInputValue] = useState(null);
  return (
    <div className="react-datepicker-wrapper">
      <div className="react-datepicker__input-container">
        <input type="text" className="form-control" disabled={disabled} value={inputValue ?? fmt(selected)}
          onChange={(e) => { setInputValue(e.target.value); const d = parse(e.target.value); if (d) onChange(d); }}
          onBlur={() => setInputValue(null)} />
      </div>
    </div>
  );
}

function TextInputWithLabelFormGroup({ value, label, name, isRequired, onChange }) {
  const id = `${name}TextInput`;
  return (
    <div className="form-group">
      {label && <Label text={label} htmlFor={id} isRequired={isRequired} />}
      <input id={id} className="form-control" type="text" value={value} placeholder={label} onChange={onChange} />
    </div>
  );
}

function DatePickerWithLabelFormGroup({ name, label, value, isRequired, onChange }) {
  const id = `${name}DatePicker`;
  return (
    <div className="form-group">
      <Label text={label} htmlFor={id} isRequired={isRequired} />
      <DateTimePicker selected={value} onChange={onChange} />
    </div>
  );
}

function TextFieldWithLabelFormGroup({ value, label, name, onChange }) {
  const id = `${name}TextField`;
  return (
    <div className="form-group">
      <Label text={label} htmlFor={id} />
      <textarea id={id} className="form-control" rows={4} value={value} onChange={onChange} />
    </div>
  );
}

function DiagnosisForm() {
  const today = new Date(2026, 10, 30);
  const [diagnosis, setDiagnosis] = useState({ name: "", diagnosisDate: today, onsetDate: today, abatementDate: today, note: "" });
  const onFieldChange = (name, value) => setDiagnosis((d) => ({ ...d, [name]: value }));
  const state = { ...diagnosis, diagnosisDate: fmt(diagnosis.diagnosisDate), onsetDate: fmt(diagnosis.onsetDate), abatementDate: fmt(diagnosis.abatementDate) };
  return (
    <div className="modal-content" role="dialog" aria-modal="true">
      <div className="modal-header"><div className="modal-title h4">New Diagnosis</div></div>
      <div className="modal-body">
        <form onSubmit={(e) => e.preventDefault()}>
          <div className="row"><div className="col-md-12">
            <TextInputWithLabelFormGroup isRequired value={diagnosis.name} label="Diagnosis Name" name="name"
              onChange={(e) => onFieldChange("name", e.currentTarget.value)} />
          </div></div>
          <div className="row"><div className="col-md-12">
            <DatePickerWithLabelFormGroup name="diagnosisDate" label="Diagnosis Date" value={diagnosis.diagnosisDate} isRequired
              onChange={(d) => onFieldChange("diagnosisDate", d)} />
          </div></div>
          <div className="row"><div className="col-md-12">
            <DatePickerWithLabelFormGroup name="onsetDate" label="Onset Date" value={diagnosis.onsetDate} isRequired
              onChange={(d) => onFieldChange("onsetDate", d)} />
          </div></div>
          <div className="row"><div className="col-md-12">
            <DatePickerWithLabelFormGroup name="abatementDate" label="Abatement Date" value={diagnosis.abatementDate} isRequired
              onChange={(d) => onFieldChange("abatementDate", d)} />
          </div></div>
          <div className="row"><div className="col-md-12">
            <TextFieldWithLabelFormGroup value={diagnosis.note} label="Note" name="note" onChange={(e) => onFieldChange("note", e.currentTarget.value)} />
          </div></div>
        </form>
      </div>
      <pre id="state-mirror" hidden>{JSON.stringify(state)}</pre>
    </div>
  );
}

createRoot(document.getElementById("app")).render(<DiagnosisForm />);
new MutationObserver(() => {
  const m = document.getElementById("state-mirror");
  if (m) document.getElementById("state").textContent = m.textContent;
}).observe(document.getElementById("app"), { subtree: true, childList: true, characterData: true });
