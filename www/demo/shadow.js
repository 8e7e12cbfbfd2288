// <dx-field data-mode="open|closed">: a labelled diagnosis input inside a
// shadow root. The closed one keeps its root private; the page exposes the
// input through window.__closedInput only so tests can focus it.
class DxField extends HTMLElement {
  connectedCallback() {
    if (this._root) return;
    const mode = this.dataset.mode === "closed" ? "closed" : "open";
    const root = this.attachShadow({ mode });
    this._root = root;
    const style = document.createElement("style");
    style.textContent = "label{font-weight:bold;margin-right:8px} input{font:14px monospace;padding:4px}";
    const label = document.createElement("label");
    label.htmlFor = "in";
    label.textContent = "ICD-10-CM diagnosis";
    const input = document.createElement("input");
    input.id = "in";
    input.name = "diagnosis";
    root.append(style, label, input);
    if (mode === "closed") {
      window.__closedInput = input;
      input.addEventListener("input", () => { document.getElementById("closed-value").textContent = input.value; });
    }
  }
}
customElements.define("dx-field", DxField);

class OuterCard extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: "open" });
    const p = document.createElement("p");
    p.textContent = "A card component containing a field component:";
    const inner = document.createElement("dx-field");
    inner.id = "nested-host";
    inner.dataset.mode = "open";
    root.append(p, inner);
  }
}
customElements.define("outer-card", OuterCard);
