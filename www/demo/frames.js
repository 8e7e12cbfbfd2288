// Fills the about:blank frame with DOM calls (no document.write), as portals do.
const f = document.getElementById("blank");
const doc = f.contentDocument;
const label = doc.createElement("label");
label.htmlFor = "b-dx";
label.textContent = "Diagnosis (ICD-10) ";
const input = doc.createElement("input");
input.id = "b-dx";
input.name = "dx";
const form = doc.createElement("form");
form.append(label, input);
doc.body.append(form);
