// Stand-ins for Carbon's data-table and text-input web components (grids-claim-lines.html): the same
// roles (set in connectedCallback when the page gave none) and the same shadow markup, without Lit.
const ROLES = { "cds-table": "table", "cds-table-head": "rowgroup", "cds-table-body": "rowgroup", "cds-table-header-row": "row",
  "cds-table-row": "row", "cds-table-header-cell": "columnheader", "cds-table-cell": "cell" };
for (const [tag, role] of Object.entries(ROLES)) {
  customElements.define(tag, class extends HTMLElement {
    connectedCallback() {
      if (!this.hasAttribute("role")) this.setAttribute("role", role);
      if (!this.shadowRoot) this.attachShadow({ mode: "open" }).innerHTML = "<slot></slot>";
    }
  });
}

customElements.define("cds-text-input", class extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: "open", delegatesFocus: true });
    const label = this.getAttribute("label") ?? "";
    root.innerHTML = `<div class="cds--form-item cds--text-input-wrapper">
      <label class="cds--label" for="input"><slot name="label-text">${label}</slot></label>
      <div class="cds--text-input__field-outer-wrapper"><div class="cds--text-input__field-wrapper">
        <input id="input" type="text" class="cds--text-input cds--text-input--${this.getAttribute("size") ?? "md"}" autocomplete="off">
      </div></div></div>`;
    const input = root.querySelector("input");
    input.addEventListener("input", () => { this.value = input.value; });
  }
});
