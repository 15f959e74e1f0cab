import { evaluateLoghubBgl, evaluateLoghubHdfs, formatLoghubReport } from '../deeplog-loghub.ts';

const t0 = Date.now();
const cfg = process.argv[2] ? JSON.parse(process.argv[2]) : {};
const r = await evaluateLoghubBgl('/work/shared/data', { config: cfg });
console.log(formatLoghubReport(r), Date.now() - t0);
const h = await evaluateLoghubHdfs('/work/shared/data', { config: cfg });
console.log(formatLoghubReport(h), Date.now() - t0);
