// 5,000 inputs (1,000 rows × 5) with mixed labels, and a timer that keeps
// the DOM churning every frame like a live worklist: a status cell rewritten,
// a row replaced by a fresh one (new inputs for any observer to look at), a
// ticker updated. Row heights stay put, so the page itself is not re-laid out
// from the top each frame.
const tbody = document.getElementById("grid");
const kinds = ["Patient name", "Account #", "Dx code", "Notes", "Amount"];
let serial = 0;
function row(i) {
  const tr = document.createElement("div");
  tr.className = "r";
  for (let c = 0; c < 5; c++) {
    const td = document.createElement("span");
    const input = document.createElement("input");
    input.name = `r${i}_${kinds[c].replace(/\W+/g, "_").toLowerCase()}`;
    input.setAttribute("aria-label", `${kinds[c]} row ${i}`);
    if (c === 2 && i % 50 === 0) input.value = "E11.9";
    td.append(input);
    tr.append(td);
  }
  const status = document.createElement("span");
  status.className = "status";
  status.textContent = `queued ${serial++}`;
  tr.append(status);
  return tr;
}
const frag = document.createDocumentFragment();
for (let i = 0; i < 1000; i++) frag.append(row(i));
tbody.append(frag);
let ticks = 0;
const ticker = document.getElementById("ticker");
const churn = setInterval(() => {
  ticks++;
  const rows = tbody.children;
  const i = (ticks * 7919) % rows.length;
  rows[(i + 500) % rows.length].lastElementChild.textContent = `updated ${ticks}`;
  if (rows[i].contains(document.activeElement)) return;
  rows[i].replaceWith(row(i));
  const s = document.createElement("span");
  s.textContent = `tick ${ticks} `;
  ticker.replaceChildren(s);
  document.getElementById("ticks").textContent = String(ticks);
}, 16);
// tests stop the churn to look at a settled page
window.stopChurn = () => clearInterval(churn);
