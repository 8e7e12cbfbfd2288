// Re-renders the whole view with innerHTML-free DOM building, replacing every
// element (as frameworks do on route changes), keeping values in a store.
const store = { patient: 1, dx: "" };
let renders = 0;
function render() {
  renders++;
  const root = document.getElementById("root");
  const card = document.createElement("section");
  card.className = "card";
  const h = document.createElement("h2");
  h.textContent = `Patient #${store.patient} (render ${renders})`;
  const row = document.createElement("div");
  row.className = "row";
  const label = document.createElement("label");
  label.htmlFor = "spa-dx";
  label.textContent = "Primary diagnosis (ICD-10-CM)";
  const input = document.createElement("input");
  input.id = "spa-dx";
  input.name = "primaryDiagnosis";
  input.value = store.dx;
  input.addEventListener("input", () => { store.dx = input.value; });
  row.append(label, input);
  card.append(h, row);
  root.replaceChildren(card);
  root.dataset.renders = String(renders);
}
render();
document.getElementById("next").addEventListener("click", () => { store.patient++; store.dx = ""; render(); });
let timer = null;
document.getElementById("churn").addEventListener("change", (e) => {
  if (timer) clearInterval(timer);
  timer = e.target.checked ? setInterval(() => {
    if (document.activeElement?.id !== "spa-dx") render();
  }, 500) : null;
});
window.__spaRender = render;
