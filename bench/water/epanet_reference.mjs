// Runs EPANET (epanet-js, the OWA toolkit in WASM) on an .inp file and writes every hydraulic
// time's node heads and link flows, in the file's units, to CSV on stdout.
import { Project, Workspace } from "epanet-js";
import fs from "fs";
const file = process.argv[2];
const ws = new Workspace();
await ws.loadModule();
const model = new Project(ws);
ws.writeFile("net.inp", fs.readFileSync(file));
model.open("net.inp", "report.rpt", "out.bin");
const nn = model.getCount(0), nl = model.getCount(2);
const t0 = process.hrtime.bigint();
model.openH();
model.initH(0);
let tstep = 0;
const rows = [];
let solves = 0;
do {
  const t = model.runH();
  solves++;
  if (!process.env.NOCOLLECT) for (let i = 1; i <= nn; i++) rows.push(`N,${t},${model.getNodeId(i)},${model.getNodeValue(i, 10)},${model.getNodeValue(i, 9)}`);
  if (!process.env.NOCOLLECT) for (let i = 1; i <= nl; i++) rows.push(`L,${t},${model.getLinkId(i)},${model.getLinkValue(i, 8)},${model.getLinkValue(i, 11)}`);
  tstep = model.nextH();
} while (tstep > 0);
const t1 = process.hrtime.bigint();
model.closeH();
console.error(`epanet: ${solves} solves in ${Number(t1 - t0) / 1e6} ms`);
console.log(rows.join("\n"));
