// 5,000 inputs (1,000 rows × 5) with mixed labels, and a timer that keeps
// adding/removing rows and rewriting text (like a live worklist).
const tbody = document.querySelector("#grid tbody");
const kinds = ["Patient name", "Account #", "Dx code", "Notes", "Amount"];
function row(i) {
  const tr = document.createElement("tr");
  for (let c = 0; c < 5; c++) {
    const td = document.createElement("td");
    const input = document.createElement("input");
    input.name = `r${i}_${kinds[c].replace(/\W+/g, "_").toLowerCase()}`;
    input.setAttribute("aria-label", `${kinds[c]} row ${i}`);
    if (c === 2 && i % 50 === 0) input.value = "E11.9";
    td.append(input);
    tr.append(td);
  }
  return tr;
}
const frag = document.createDocumentFragment();
for (let i = 0; i < 1000; i++) frag.append(row(i));
tbody.append(frag);
let n = 1000, ticks = 0;
const ticker = document.getElementById("ticker");
setInterval(() => {
  ticks++;
  tbody.firstElementChild?.remove();
  tbody.append(row(n++));
  const s = document.createElement("span");
  s.textContent = `tick ${ticks} `;
  ticker.replaceChildren(s);
  document.getElementById("ticks").textContent = String(ticks);
}, 16);
