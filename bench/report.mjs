// Merges bench/results-native.json and bench/tmp/results-browser.json into
// bench/results.json, prints the one table (Markdown) with the goals, and puts
// the same table and the machine into bench/README.md between its markers.
//
//   node bench/report.mjs      (browser-search.mjs calls report() at its end)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SETS = ['short-title', 'icd9-description', 'typo', 'code-form'];
const MB = 1e6; // decimal, as the goals are stated
const MIB = 1048576;

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

export function machine(chromium, loadavg) {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = (cpuinfo.match(/^model name\s*:\s*(.+)$/m) ?? [])[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: model.trim(),
    memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()}`,
    chromium,
    node: process.version,
    // 1/5/15-minute load averages at the end of the browser bench: other
    // work on the machine inflates latencies.
    loadavg: (loadavg ?? os.loadavg()).map((x) => +x.toFixed(2)),
  };
}

const f = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v) ? '–' : Number(v).toFixed(d));
const us = (v) => (v === null || v === undefined ? '–' : v >= 10000 ? `${(v / 1000).toFixed(1)} ms` : `${f(v, v < 100 ? 1 : 0)}`);

function rows(native, browser) {
  const out = [];
  for (const e of native?.engines ?? []) {
    out.push({
      engine: e.engine,
      where: 'native',
      p50: e.p50_us,
      p99: e.p99_us,
      load: [e.load_ms != null ? `${f(e.load_ms, 1)} load` : null, e.build_ms != null ? `${f(e.build_ms)} build` : null].filter(Boolean).join(', '),
      size: `${f(e.index_bytes / MB, 1)} MB index`,
      mem: '–',
      hit: e.hit_rate,
      n: e.queries_run ?? native.queries,
    });
  }
  for (const e of browser?.engines ?? []) {
    out.push({
      engine: e.engine,
      where: 'Chromium',
      p50: e.p50_us,
      p99: e.p99_us,
      load: `${f(e.load_ms, e.load_ms < 100 ? 1 : 0)}`,
      size: `${f(e.shipped.raw / MB, 1)} / ${f(e.shipped.gzip / MB, 2)} gz`,
      mem: f(e.resident_bytes / MB, 1),
      hit: e.hit_rate,
      n: e.queries_run,
    });
  }
  return out;
}

export function table(native, browser) {
  const head = ['engine', 'where', 'p50 µs', 'p99 µs', 'load ms', 'bytes (MB)', 'memory MB', ...SETS, 'queries'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of rows(native, browser)) {
    const cells = [r.engine, r.where, us(r.p50), us(r.p99), r.load, r.size, r.mem, ...SETS.map((s) => f(r.hit?.[s], 3)), r.n];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** medcode's hit rate per set on the queries `peer` ran. */
function sameQueries(m, peer, setOf) {
  if (!peer.sampled || !m.hit_idx || !setOf) return m.hit_rate;
  const hits = new Set(m.hit_idx);
  const c = {};
  for (const i of peer.ran_idx) {
    const x = (c[setOf[i]] ??= [0, 0]);
    x[0] += hits.has(i);
    x[1] += 1;
  }
  return Object.fromEntries(Object.entries(c).map(([k, [h, n]]) => [k, h / n]));
}

/** The goals the extension and the single-file page are held to (issue 13), from their own benches. */
export function pageGoals(keystroke, single) {
  const out = [];
  const add = (name, met, figure) => out.push({ goal: name, met, figure });
  const cold = keystroke?.cold_start;
  if (cold?.first_search_ms) {
    const page = cold.page_first_suggestions_ms;
    add(
      'extension cold start ≤ 150 ms (service worker killed → first search answer)',
      cold.first_search_ms.p50 <= 150,
      `${f(cold.first_search_ms.p50, 1)} ms median of ${cold.first_search_ms.n}` +
        (cold.first_search_breakdown
          ? ` (load ${f(cold.first_search_breakdown.load_ms, 1)}: wasm compiled at ${f(cold.first_search_breakdown.wasm_ms, 1)}, index fetched at ${f(cold.first_search_breakdown.index_fetch_ms, 1)}, engine ${f(cold.first_search_breakdown.engine_ms, 1)}; the user's data is attached after the answer; the rest is the worker's start and the message)`
          : '') +
        (page?.from_first_key?.n ? `; in a page, first key → suggestions painted ${f(page.from_first_key.p50, 1)} ms` : ''),
    );
  }
  for (const [name, key, goal, floorKey] of [
    ['EHR demo', 'keystroke_to_suggestions_ehr_ms', 16, 'ehr_input_to_frame_without_extension_ms'],
    ['5,000-input page', 'keystroke_to_suggestions_big_page_ms', 33, 'big_page_input_to_frame_without_extension_ms'],
  ]) {
    const k = keystroke?.[key];
    if (!k?.painted_frame) continue;
    const st = k.stages;
    const floor = keystroke?.[floorKey];
    add(
      `keystroke → suggestions painted, ${name}, p95 ≤ ${goal} ms`,
      k.painted_frame.p95 <= goal,
      `p95 ${f(k.painted_frame.p95, 1)} ms (p50 ${f(k.painted_frame.p50, 1)}` +
        (k.frames_after_key?.n ? `; painted in the first frame after the key ${f(k.frames_after_key.first_frame * 100, 0)}%, second ${f(k.frames_after_key.second_frame * 100, 0)}%, later ${f(k.frames_after_key.later * 100, 0)}%` : '') +
        `; DOM updated p50 ${f(k.dom_updated.p50, 1)} / p95 ${f(k.dom_updated.p95, 1)}` +
        (st ? `; stages p50/p95: input → request ${f(st.input_to_request.p50, 1)}/${f(st.input_to_request.p95, 1)}, request → answer ${f(st.request_roundtrip.p50, 1)}/${f(st.request_roundtrip.p95, 1)}` +
          (st.worker?.n ? ` (worker ${f(st.worker.p50, 2)}/${f(st.worker.p95, 2)})` : '') + `, render ${f(st.render.p50, 1)}/${f(st.render.p95, 1)}` : '') +
        (floor?.n ? `; the page's own input → paint without the extension p50 ${f(floor.p50, 1)} / p95 ${f(floor.p95, 1)}` : '') +
        ')',
    );
  }
  if (single?.median) {
    const m = single.median;
    add(
      'single-file page ready ≤ 400 ms (file://, navigation → engine ready)',
      m.ready_ms <= 400,
      `${f(m.ready_ms)} ms median of ${single.runs} (file read ${f(m.file_read_ms)}, parsed ${f(m.parsed_ms)}, index decoded ${f(m.index_decoded_ms)}, wasm compiled ${f(m.wasm_compiled_ms)}, engine ${f(m.engine_construct_ms)} ms; page usable with NCCI attached ${f(m.usable_ms)} ms)`,
    );
    if (single.memory?.resident_bytes) {
      add(
        '≤ 40 MB resident, single-file page',
        single.memory.resident_bytes <= 40e6,
        `${f(single.memory.resident_bytes / MB, 1)} MB (wasm memory ${f(single.memory.wasm_memory_bytes / MB, 1)} MB + JS heap ${f(single.memory.js_heap_bytes / MB, 1)} MB)`,
      );
    }
  }
  return out;
}

export function goals(native, browser) {
  const out = [];
  const add = (name, met, figure) => out.push({ goal: name, met, figure });
  const m = browser?.engines?.find((e) => e.id === 'medcode');
  const peers = browser?.engines?.filter((e) => e.id !== 'medcode') ?? [];
  if (m) {
    add('Chromium p50 ≤ 50 µs per query (10 results)', m.p50_us <= 50, `${f(m.p50_us, 1)} µs`);
    add('Chromium p99 ≤ 500 µs per query', m.p99_us <= 500, `${f(m.p99_us, 1)} µs`);
    for (const p of peers) {
      add(
        `faster than ${p.engine} (p50 and p99)`,
        m.p50_us < p.p50_us && m.p99_us < p.p99_us,
        `p50 ${f(p.p50_us / m.p50_us, 1)}x, p99 ${f(p.p99_us / m.p99_us, 1)}x`,
      );
      // On the queries the peer ran (all, or its sample).
      const mh = sameQueries(m, p, browser.queries_sets);
      const worse = SETS.filter((s) => !(mh[s] > p.hit_rate[s] || (mh[s] === 1 && p.hit_rate[s] === 1)));
      add(
        `higher hit rate than ${p.engine} on every set${p.sampled ? ` (on the ${p.queries_run} queries it ran)` : ''}`,
        worse.length === 0,
        SETS.map((s) => `${s} ${f(mh[s], 3)} vs ${f(p.hit_rate[s], 3)}`).join(', ') + (worse.length ? ` (not higher: ${worse.join(', ')}${worse.every((s) => mh[s] === p.hit_rate[s]) ? '; tied' : ''})` : ''),
      );
    }
    add('cold load ≤ 50 ms (fetch + instantiate + ready)', m.load_ms <= 50, `${f(m.load_ms, 1)} ms median of ${m.load.cold_loads_ms.length} fresh pages`);
    add('index ≤ 3 MB gzipped', m.index_gzip_bytes <= 3e6, `${f(m.index_gzip_bytes / 1e6, 2)} MB (medcode.idx, gzip -9)`);
    add(
      '≤ 40 MB resident in the browser',
      m.resident_bytes <= 40e6,
      `${f(m.resident_bytes / MB, 1)} MB = ${f(m.resident_bytes / MIB, 1)} MiB (wasm memory ${f(m.wasm_memory_bytes / 1e6, 1)} MB + JS heap ${f(m.js_heap_bytes / 1e6, 1)} MB)`,
    );
  }
  const s = native?.speedup_vs_fts5;
  if (s) add('native ≥ 10× faster than SQLite FTS5', s.p50 >= 10 && s.p99 >= 10, `p50 ${f(s.p50, 1)}x, p99 ${f(s.p99, 1)}x`);
  return out;
}

export function report() {
  const native = readJson(path.join(HERE, 'results-native.json'));
  const browser = readJson(path.join(HERE, 'tmp', 'results-browser.json'));
  const mach = machine(browser?.chromium ?? null, browser?.loadavg_after);
  const t = table(native, browser);
  const keystroke = readJson(path.join(HERE, 'tmp', 'extension-keystroke.json'));
  const single = readJson(path.join(HERE, 'tmp', 'single-file.json'));
  const g = [...goals(native, browser), ...pageGoals(keystroke, single)];
  const results = { generated: new Date().toISOString(), machine: mach, native, browser, extension_keystroke: keystroke, single_file: single, goals: g };
  fs.writeFileSync(path.join(HERE, 'results.json'), JSON.stringify(results, null, 2) + '\n');

  const mini = browser?.engines?.find((e) => e.id === 'minisearch');
  const notes = [];
  if (mini?.sampled) {
    notes.push(
      `MiniSearch ran ${mini.queries_run} of ${browser.queries} queries (an evenly spread sample, ${SETS.map((s) => `${mini.queries_by_set[s] ?? 0} ${s}`).join(', ')}; BENCH_FULL=1 runs all).`,
    );
  }
  const fts = native?.engines?.find((e) => e.query_mode);
  if (fts) notes.push(`SQLite ${fts.sqlite_version} FTS5 query terms joined by ${fts.query_mode} (AND: hit rate ${f(fts.hit_rate_by_mode?.AND?.all, 3)}, OR: ${f(fts.hit_rate_by_mode?.OR?.all, 3)}).`);
  const v = native?.validate_claim?.runs;
  if (v) {
    notes.push(
      `Whole-claim validation (native, ${native.validate_claim.claims} synthetic claims): ` +
        Object.entries(v)
          .map(([k, r]) => `${k} ${f(r.claims_per_s)} claims/s, p50 ${f(r.p50_us, 1)} µs, p99 ${f(r.p99_us, 1)} µs`)
          .join('; ') +
        '.',
    );
  } else if (native?.validate_claim_note) notes.push(native.validate_claim_note);
  const pcs = browser?.pcs;
  if (pcs) {
    notes.push(
      `ICD-10-PCS in Chromium (pcs.idx ${f(pcs.bytes / MB, 2)} MB, ${f(pcs.gzip_bytes / MB, 2)} MB gzip, attached on first use): ` +
        `load ${f(pcs.load_ms_median, 1)} ms median (fetch ${f(pcs.fetch_ms_median, 1)} + attach ${f(pcs.attach_ms_median, 1)}), ` +
        `first search ${f(pcs.first_search_ms_median, 1)} ms, first builder step ${f(pcs.first_next_ms_median, 1)} ms.`,
    );
  }
  if (keystroke) {
    const parts = Object.entries(keystroke)
      .filter(([k, x]) => /^keystroke_to_suggestions_.+_ms$/.test(k) && x?.painted_frame)
      .map(([k, x]) => `${k.replace(/^keystroke_to_suggestions_|_ms$/g, '').replace(/_/g, ' ')} p50 ${x.painted_frame.p50} / p95 ${x.painted_frame.p95} ms`);
    if (parts.length) notes.push(`Extension, keystroke → suggestions painted (bench/extension-keystroke.mjs): ${parts.join(', ')}.`);
  }
  const machineLine = `${mach.nproc} × ${mach.cpu}, ${mach.memory_gib} GiB, ${mach.os}; Chromium ${mach.chromium ?? '?'}; node ${mach.node}; load average ${mach.loadavg.join(' / ')} (1/5/15 min)`;
  const goalLines = g.map((x) => `- ${x.met ? 'met' : '**missed**'}: ${x.goal} — ${x.figure}`);
  const legend =
    'Columns: latency per query for 10 results; load = cold load in a fresh page (Chromium) or Engine::from_bytes, build = building the index (native); ' +
    'bytes = index size (native) or shipped raw / gzip -9 (Chromium); memory = JS heap growth after GC, plus WASM memory for medcode; ' +
    'set columns = hit rate (an expected code in the top k: 10, code forms 1); queries = how many the engine ran. MB = 10^6 bytes.';
  const text = [t, '', legend, '', `Machine: ${machineLine}.`, ...notes.map((n) => `Note: ${n}`), '', 'Goals:', ...goalLines].join('\n');
  console.log(text);

  const readme = path.join(HERE, 'README.md');
  if (fs.existsSync(readme)) {
    const src = fs.readFileSync(readme, 'utf8');
    const start = '<!-- bench:results:start -->';
    const end = '<!-- bench:results:end -->';
    const i = src.indexOf(start);
    const j = src.indexOf(end);
    if (i >= 0 && j > i) {
      const section = `${start}\n_Run ${results.generated.slice(0, 10)} by \`./build.sh bench\`._\n\n${text}\n${end}`;
      fs.writeFileSync(readme, src.slice(0, i) + section + src.slice(j + end.length));
    }
  }
  return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) report();
