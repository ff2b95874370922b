// Validates every object of one or more multi-document YAML files against the Kubernetes OpenAPI
// schemas shipped by the npm package kubernetes-models (and @kubernetes-models/traefik for Traefik's
// kinds, @kubernetes-models/gateway-api for the Gateway API kinds). Usage: node validate-k8s.mjs TOOLS_DIR FILE...
// Prints one JSON line per object {file, index, apiVersion, kind, name, errors[]} and exits 1 when any
// object is invalid or has no model.
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [toolsDir, ...files] = process.argv.slice(2);
if (!toolsDir || files.length === 0) {
  console.error("usage: node validate-k8s.mjs TOOLS_DIR FILE...");
  process.exit(2);
}
const modules = path.resolve(toolsDir, "node_modules");
const load = (rel) => import(pathToFileURL(path.join(modules, rel)).href);
const { parseAllDocuments } = await load("yaml/dist/index.js");

// apiVersion "group/version" (or "v1" for the core group) → the module folder that holds its kinds.
function modelPath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "traefik.io" || group === "traefik.containo.us") {
    // The legacy group has the same shapes; the package only ships traefik.io.
    return `@kubernetes-models/traefik/traefik.io/${version}/${kind}.js`;
  }
  if (group === "gateway.networking.k8s.io") {
    return `@kubernetes-models/gateway-api/${group}/${version}/${kind}.js`;
  }
  return `kubernetes-models/${group === "" ? "" : group + "/"}${version}/${kind}.js`;
}

let failed = 0;
for (const file of files) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  let index = 0;
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      failed++;
      console.log(JSON.stringify({ file, index, errors: doc.errors.map((e) => `YAML: ${e.message}`) }));
      index++;
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue; // empty document (e.g. a template rendered to nothing)
    const result = { file, index, apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata?.name, errors: [] };
    index++;
    // The legacy group has the same shapes; the package models only traefik.io.
    if (typeof obj.apiVersion === "string" && obj.apiVersion.startsWith("traefik.containo.us/")) {
      obj.apiVersion = obj.apiVersion.replace("traefik.containo.us/", "traefik.io/");
    }
    let Model;
    try {
      Model = (await load(modelPath(String(obj.apiVersion), String(obj.kind))))[obj.kind];
    } catch (e) {
      result.errors.push(`no model for ${obj.apiVersion} ${obj.kind}: ${e.code ?? e.message}`);
    }
    if (Model) {
      try {
        new Model(obj).validate();
      } catch (e) {
        const details = (e.errors ?? []).map((x) => `${x.instancePath || "/"} ${x.message}${x.params?.additionalProperty ? ` (${x.params.additionalProperty})` : ""}`);
        result.errors.push(...(details.length > 0 ? details : [e.message]));
      }
    }
    if (result.errors.length > 0) failed++;
    console.log(JSON.stringify(result));
  }
}
process.exit(failed > 0 ? 1 : 0);
