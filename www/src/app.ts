// Wires the page: theme, views and routes, search, details, claim form.
// Both page forms (the site and the single file) call startApp with their
// own way of loading the engine; nothing else differs.

import type { Loaded } from './engine';
import { errorMessage } from './engine';
import { byId } from './dom';
import { announce } from './announce';
import { initTheme } from './theme';
import { SearchBox } from './search';
import { DetailsView, currentDateOfService } from './details';
import { CodeLinker, codeHref } from './notes';
import { ClaimForm } from './claim/form';
import { PcsBuilder, type PcsEngine } from '../../web-shared/pcs-builder';
import { copyText } from './clipboard';
import { UserDataView } from './userdata';
import { Severity } from './severity';

declare global {
  interface Window {
    /** For tests and the curious: load timings and the live objects. */
    medcode?: { loaded?: Loaded; claim: ClaimForm; error?: string };
  }
}

type Route = { view: 'lookup'; code: string | null; system: string | null } | { view: 'claim' } | { view: 'pcs' } | { view: 'data' };

function parseRoute(hash: string): Route {
  const m = /^#\/code\/([^/?]+)(?:\?system=(icd10cm|hcpcs|cpt))?$/.exec(hash);
  if (m) return { view: 'lookup', code: decodeURIComponent(m[1]), system: m[2] ?? null };
  if (hash === '#/claim') return { view: 'claim' };
  if (hash === '#/pcs') return { view: 'pcs' };
  if (hash === '#/data') return { view: 'data' };
  return { view: 'lookup', code: null, system: null };
}

export function startApp(load: () => Promise<Loaded>): void {
  const root = document.documentElement;
  root.dataset.state = 'loading';
  initTheme(byId<HTMLButtonElement>('theme-toggle'));

  const views = { lookup: byId('view-lookup'), claim: byId('view-claim'), pcs: byId('view-pcs'), data: byId('view-data') };
  const navLinks = [...document.querySelectorAll<HTMLAnchorElement>('.site-nav a')];
  const input = byId<HTMLInputElement>('search-input');
  const claim = new ClaimForm(byId('claim-root'));
  window.medcode = { claim };
  let details: DetailsView | null = null;
  let focusDetails = false;
  // MS-DRG CC/MCC and HCCs: severity.idx attached on first use; choices in their own settings section
  const severity = new Severity();
  severity.renderSettings(byId('severity-settings-body'));

  const search = new SearchBox({
    input,
    listbox: byId<HTMLUListElement>('search-results'),
    system: byId<HTMLSelectElement>('search-system'),
    status: byId('search-status'),
    form: byId<HTMLFormElement>('search-form'),
    severity,
    date: currentDateOfService,
    open: (code, system) => {
      focusDetails = true;
      const target = `${codeHref(code)}${system ? `?system=${system}` : ''}`;
      if (location.hash === target) route();
      else location.hash = target;
    },
  });

  const route = () => {
    const r = parseRoute(location.hash);
    for (const [name, el] of Object.entries(views)) el.hidden = name !== r.view;
    for (const a of navLinks) {
      if (a.dataset.view === r.view) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    if (r.view === 'claim') {
      document.title = 'Check a claim · medcode';
      return;
    }
    if (r.view === 'data') {
      document.title = 'Your data · medcode';
      return;
    }
    if (r.view === 'pcs') {
      document.title = 'Build a PCS code · medcode';
      if (pcsLoaded) void pcs.go(pcs.code.length === 7 ? '' : pcs.code).then(() => pcs.focus());
      return;
    }
    if (!details) return; // engine not loaded yet: route() runs again when it is
    if (!r.code) {
      details.clear();
      document.title = 'medcode: code lookup and claim checker';
      return;
    }
    const heading = details.show(r.code, r.system);
    document.title = `${r.code.toUpperCase()} · medcode`;
    // Moving focus to the new heading tells screen readers what opened;
    // only when the user asked for it (search, a link), not on page load.
    if (focusDetails && heading) heading.focus({ preventScroll: false });
    focusDetails = false;
  };

  window.addEventListener('hashchange', () => {
    focusDetails = true;
    route();
  });
  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !t.closest('input, select, textarea, [contenteditable]')) {
      e.preventDefault();
      if (location.hash.startsWith('#/claim')) location.hash = '#/';
      search.focus();
    }
  });
  // The PCS builder loads pcs.idx the first time it is opened.
  let pcsLoaded: Loaded | null = null;
  let pcsEngine: Promise<PcsEngine> | null = null;
  const today = new Date();
  const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  const pcs = new PcsBuilder(
    byId('pcs-root'),
    () => {
      pcsEngine ??= (async () => {
        const l = pcsLoaded;
        if (!l) throw new Error('the code data is still loading');
        const bytes = l.pcsBytes ? await l.pcsBytes() : null;
        if (!bytes || typeof l.engine.attachPcs !== 'function') throw new Error('this build has no ICD-10-PCS data');
        l.engine.attachPcs(bytes);
        return l.engine as unknown as PcsEngine;
      })();
      return pcsEngine;
    },
    (code) => void copyText(code),
    iso,
  );
  // The user's own data: after a change, search, the open code and the claim run again.
  const userData = new UserDataView(() => {
    const l = window.medcode?.loaded;
    search.refresh(Boolean(l && l.engine.info().cpt_codes));
    claim.validate();
    if (details) route();
  });
  route();

  load().then(
    (loaded) => {
      const { engine, timings } = loaded;
      const info = engine.info();
      details = new DetailsView(byId('details'), {
        engine,
        info,
        linker: new CodeLinker(engine),
        addToClaim: (code, system) => announce(claim.addCode(code, system)),
        severity,
        principal: () => claim.principal(),
      });
      severity.attach(engine, loaded.severityBytes);
      search.attach(engine);
      claim.attach(engine, loaded.ncci, severity);
      byId('data-info').textContent =
        `${info.icd10cm_release} · ${info.icd10cm_billable.toLocaleString('en-US')} billable codes · ` +
        `HCPCS Level II quarter ${info.hcpcs_quarter} (${info.hcpcs_active.toLocaleString('en-US')} active). ` +
        'Works offline: nothing you type leaves this page.';
      byId('load-info').textContent =
        `Ready in ${Math.round(timings.ready)} ms (data ${Math.round(timings.fetch)} ms, engine compile ${Math.round(timings.instantiate)} ms, index ${Math.round(timings.engine)} ms) · ${loaded.form === 'site' ? 'site' : 'single file'}`;
      window.medcode = { loaded, claim };
      pcsLoaded = loaded;
      void userData.attach(loaded);
      route();
      root.dataset.state = 'ready';
      if (!location.hash.startsWith('#/claim') && !location.hash.startsWith('#/code/') && location.hash !== '#/pcs') input.focus();
    },
    (e) => {
      const message = errorMessage(e);
      const el = byId('load-error');
      el.textContent = `medcode could not start: ${message}`;
      el.hidden = false;
      byId('search-status').textContent = 'The code data did not load.';
      window.medcode = { claim, error: message };
      root.dataset.state = 'error';
    },
  );
}
