// Builds www/demo/hostile-dom.html: a field whose label holds a megabyte of
// text, 200 nested open shadow roots with a field at the bottom, and many
// inputs inside one unclosed <label> (the OpenEMR shape, scaled up).
(() => {
  // the longest the main thread was blocked, as a 20 ms timer sees it (window.maxGapMs)
  let last = performance.now();
  window.maxGapMs = 0;
  setInterval(() => {
    const now = performance.now();
    window.maxGapMs = Math.max(window.maxGapMs, now - last - 20);
    last = now;
  }, 20);
  window.resetGap = () => { window.maxGapMs = 0; last = performance.now(); };
  const params = new URLSearchParams(location.search);
  const inputs = Number(params.get("inputs") ?? 50000);

  // a megabyte of label text, in one text node and in many
  const huge = document.getElementById("huge-card");
  const label = document.createElement("label");
  label.htmlFor = "dx-huge";
  label.append("Diagnosis " + "word ".repeat(200000));
  for (let i = 0; i < 2000; i++) label.append(document.createElement("b"), " ");
  const hugeInput = document.createElement("input");
  hugeInput.id = "dx-huge";
  hugeInput.setAttribute("placeholder", "ICD-10 " + "x".repeat(1 << 20));
  huge.append(label, " ", hugeInput);

  // 200 nested open shadow roots; the innermost holds a diagnosis field
  let host = document.getElementById("deep-card");
  for (let i = 0; i < 200; i++) {
    const inner = document.createElement(i % 2 ? "deep-a" : "deep-b");
    (host.shadowRoot ?? host.attachShadow({ mode: "open" })).append(inner);
    host = inner;
  }
  host.attachShadow({ mode: "open" }).innerHTML = '<label for="dx-deep">Diagnosis code</label><input id="dx-deep">';

  // many inputs inside one unclosed label: every one of them is "inside a label"
  const parts = ["<label>Notes "];
  for (let i = 0; i < inputs; i++) parts.push(`<input name="n${i}" size="4"> `);
  document.getElementById("many-card").innerHTML = parts.join("");

  // the page swaps the field being typed in for another kind of field (an NPI box), as a
  // framework re-render might; window.swapField() does it on demand for the test
  window.swapField = () => {
    const slot = document.getElementById("swap-slot");
    slot.innerHTML = '<label for="npi-swap">Billing provider NPI</label> <input id="npi-swap" autocomplete="off">';
    document.getElementById("npi-swap").focus();
  };
  document.body.dataset.built = String(inputs);
})();
