// The e2e fixture server: serves www/demo on two ports of 127.0.0.1 (the
// second is the "cross-origin" one) and doubles as the browsers' HTTP proxy,
// so every request a browser makes passes through here. Anything not for
// these two origins is recorded in `foreign` and refused: the tests assert
// that list stays empty (the extension never talks to the network).
//
//   node tests/e2e/extension/server.mjs [port]     serve the demo pages by hand
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleCms1500, bundleHospitalRunDiagnosis, bundleOpenmrsVisitNote, bundleReactDxPicker, renderCspForm } from "../../../www/demo/demo-assets.mjs";

const DEMO = resolve(fileURLToPath(new URL("../../../www/demo/", import.meta.url)));
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml" };

export async function startServers({ port = 0 } = {}) {
  const foreign = [];
  const log = [];
  const assets = { bundle: await bundleCms1500(), csp: await renderCspForm(), openmrs: await bundleOpenmrsVisitNote(), reactDx: await bundleReactDxPicker(), hospitalrun: await bundleHospitalRunDiagnosis() };
  const servers = [];
  const origins = [];

  const handler = async (req, res) => {
    let url;
    try {
      // proxied requests carry an absolute URL; direct ones a path
      url = new URL(req.url, `http://${req.headers.host}`);
    } catch {
      res.writeHead(400).end();
      return;
    }
    log.push(`${req.method} ${url.href}`);
    if (!origins.includes(url.origin)) {
      foreign.push(`${req.method} ${url.href}`);
      res.writeHead(502, { "content-type": "text/plain" }).end("medcode test proxy: no internet here");
      return;
    }
    const other = origins.find((o) => o !== url.origin);
    try {
      const path = decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname);
      if (path === "/cms1500.bundle.js") return send(res, 200, TYPES[".js"], assets.bundle);
      if (path === "/openmrs-visitnote.bundle.js") return send(res, 200, TYPES[".js"], assets.openmrs);
      if (path === "/react-dx-picker.bundle.js") return send(res, 200, TYPES[".js"], assets.reactDx);
      if (path === "/hospitalrun-diagnosis.bundle.js") return send(res, 200, TYPES[".js"], assets.hospitalrun);
      if (path === "/cms1500-csp.html") {
        return send(res, 200, TYPES[".html"], assets.csp, { "content-security-policy": "default-src 'none'" });
      }
      if (path === "/favicon.ico") return send(res, 204, "text/plain", "");
      const file = normalize(join(DEMO, path));
      if (!file.startsWith(DEMO) || file.includes(`${DEMO}/src`)) return send(res, 404, "text/plain", "not found");
      let body = await readFile(file);
      const type = TYPES[extname(file)] ?? "application/octet-stream";
      if (type.startsWith("text/html")) {
        body = body.toString("utf8").replaceAll("__ALT_ORIGIN__", other).replaceAll("__ORIGIN__", url.origin);
      }
      send(res, 200, type, body);
    } catch {
      send(res, 404, "text/plain", "not found");
    }
  };

  for (let i = 0; i < 2; i++) {
    const srv = createServer(handler);
    srv.on("connect", (req, socket) => { // HTTPS through the proxy: never allowed
      foreign.push(`CONNECT ${req.url}`);
      socket.end("HTTP/1.1 502 No internet\r\n\r\n");
    });
    await new Promise((r) => srv.listen(i === 0 ? port : 0, "127.0.0.1", r));
    servers.push(srv);
    origins.push(`http://127.0.0.1:${srv.address().port}`);
  }
  return {
    origin: origins[0],
    altOrigin: origins[1],
    proxy: origins[0],
    foreign,
    log,
    async close() {
      await Promise.all(servers.map((s) => new Promise((r) => { s.closeAllConnections?.(); s.close(r); })));
    },
  };
}

function send(res, status, type, body, extra = {}) {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...extra });
  res.end(body);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const s = await startServers({ port: Number(process.argv[2] ?? 8081) });
  console.log(`medcode demo pages: ${s.origin}/  (cross-origin frames from ${s.altOrigin})`);
}
