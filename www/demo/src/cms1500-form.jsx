// A mock payer-portal CMS-1500 (02/12) form built from React controlled
// inputs: the values live in React state, so a script that sets input.value
// without the native setter + input event is silently undone by React.
import React, { useState } from "react";

const LETTERS = "ABCDEFGHIJKL".split("");
const LINES = 6;

export const EMPTY = {
  patientName: "", birthDate: "", sex: "", referringNpi: "",
  dx: LETTERS.map(() => ""),
  lines: Array.from({ length: LINES }, () => ({ from: "", to: "", pos: "", code: "", m1: "", m2: "", m3: "", m4: "", ptr: "", charge: "", units: "", npi: "" })),
  taxId: "", billingNpi: "",
};

export const SAMPLE = {
  ...EMPTY,
  patientName: "SAMPLE, JANE Q", birthDate: "04/02/1968", sex: "F", referringNpi: "1987654328",
  dx: ["E11", "I10", ...LETTERS.slice(2).map(() => "")],
  lines: EMPTY.lines.map((l, i) => i === 0
    ? { ...l, from: "03/10/2026", to: "03/10/2026", pos: "11", code: "99213", m1: "25", ptr: "AC", charge: "125.00", units: "1", npi: "1234567893" }
    : i === 1
      ? { ...l, from: "03/10/2026", to: "03/10/2026", pos: "11", code: "J1100", ptr: "B", charge: "12.00", units: "1", npi: "1234567893" }
      : l),
  taxId: "12-3456789", billingNpi: "1234567893",
};

export function Cms1500Form({ initial = EMPTY, onState }) {
  const [s, setS] = useState(initial);
  const set = (patch) => setS((prev) => {
    const next = { ...prev, ...patch };
    onState?.(next);
    return next;
  });
  const setDx = (i, v) => set({ dx: s.dx.map((d, j) => (j === i ? v : d)) });
  const setLine = (i, k, v) => set({ lines: s.lines.map((l, j) => (j === i ? { ...l, [k]: v } : l)) });
  // the portal upper-cases as you type, like many real ones
  const up = (v) => v.toUpperCase();

  return (
    <form id="cms1500" className="claim" onSubmit={(e) => { e.preventDefault(); document.getElementById("submitted").textContent = JSON.stringify(s); }}>
      <section className="card">
        <h2>Patient and insured</h2>
        <div className="row"><label htmlFor="pt-name">2. Patient's name</label>
          <input id="pt-name" name="patient_name" value={s.patientName} onChange={(e) => set({ patientName: e.target.value })} /></div>
        <div className="row"><label htmlFor="pt-dob">3. Patient's birth date</label>
          <input id="pt-dob" name="patient_dob" placeholder="MM/DD/YYYY" value={s.birthDate} onChange={(e) => set({ birthDate: e.target.value })} />
          <select aria-label="Sex" name="patient_sex" value={s.sex} onChange={(e) => set({ sex: e.target.value })}>
            <option value="">Sex</option><option value="F">F</option><option value="M">M</option>
          </select></div>
        <div className="row"><label htmlFor="ref-npi">17b. NPI of referring provider</label>
          <input id="ref-npi" name="item17b" value={s.referringNpi} onChange={(e) => set({ referringNpi: e.target.value })} /></div>
      </section>
      <section className="card">
        <h2>21. Diagnosis or nature of illness or injury (ICD Ind. 0)</h2>
        <div id="item21" style={{ display: "grid", gridTemplateColumns: "repeat(4, 1fr)", gap: "6px 14px" }}>
          {LETTERS.map((L, i) => (
            <div key={L}><span className="mono">{L}.</span>{" "}
              <input id={`dx-${L}`} name={`item21${L}`} aria-label={`21${L} diagnosis`} value={s.dx[i]} size={9}
                onChange={(e) => setDx(i, up(e.target.value))} /></div>
          ))}
        </div>
      </section>
      <section className="card">
        <h2>24. Service lines</h2>
        <table id="lines">
          <thead><tr>
            <th>24A. Date of service from</th><th>24A. Date of service to</th><th>24B. Place of service</th>
            <th>24D. Procedures (CPT/HCPCS)</th><th>Modifier 1</th><th>Modifier 2</th><th>Modifier 3</th><th>Modifier 4</th>
            <th>24E. Diagnosis pointer</th><th>24F. Charges</th><th>24G. Days or units</th><th>24J. Rendering provider NPI</th>
          </tr></thead>
          <tbody>
            {s.lines.map((l, i) => (
              <tr key={i} data-line={i + 1}>
                {["from", "to", "pos", "code", "m1", "m2", "m3", "m4", "ptr", "charge", "units", "npi"].map((k, c) => (
                  <td key={k} className={c >= 4 && c <= 8 || c === 2 ? "narrow" : ""}>
                    <input name={`svc_${i}_${c}`} value={l[k]}
                      onChange={(e) => setLine(i, k, ["code", "m1", "m2", "m3", "m4", "ptr"].includes(k) ? up(e.target.value) : e.target.value)} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <div className="row"><label htmlFor="tax">25. Federal tax I.D. number</label>
          <input id="tax" name="item25" value={s.taxId} onChange={(e) => set({ taxId: e.target.value })} /></div>
        <div className="row"><label htmlFor="bill-npi">33a. Billing provider NPI</label>
          <input id="bill-npi" name="item33a" value={s.billingNpi} onChange={(e) => set({ billingNpi: e.target.value })} /></div>
        <button type="submit">Submit claim</button>
      </section>
    </form>
  );
}
