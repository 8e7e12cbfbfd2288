// Carbon v11 <Search> as github:carbon-design-system/carbon packages/react/src/components/Search/Search.tsx
// renders it: div[role=search][aria-label=placeholder] > label.cds--label[for] + input[role=searchbox]; the
// props it does not know (aria-labelledby, ...) go onto the <input> ({...rest}).
import React from "react";

export function Search({ id, labelText, placeholder, value, onChange, size = "md", className = "", autoFocus = false, closeButtonLabelText = "Clear search input", testId, ...rest }) {
  const searchId = `${id}-search`;
  return (
    <div role="search" aria-label={placeholder} className={`cds--search cds--search--${size} ${className}`}>
      <div aria-labelledby={searchId} role="button" className="cds--search-magnifier" tabIndex={-1}>
        <svg className="cds--search-magnifier-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><circle cx="7" cy="7" r="5" fill="none" stroke="currentColor" /></svg>
      </div>
      <label id={searchId} htmlFor={id} className="cds--label">{labelText}</label>
      <input autoComplete="off" className="cds--search-input" role="searchbox" id={id} type="text" data-testid={testId}
        placeholder={placeholder} value={value} autoFocus={autoFocus} onChange={onChange} {...rest} />
      <button aria-label={closeButtonLabelText} className={`cds--search-close${value ? "" : " cds--search-close--hidden"}`} title={closeButtonLabelText} type="button"
        onClick={() => onChange({ target: { value: "" } })}>×</button>
    </div>
  );
}

