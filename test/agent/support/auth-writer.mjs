// Child process for the agent end-to-end tests: appends real-format sshd lines to a log file at a steady rate, the
// way rsyslog does (whole lines, sometimes several per write). Line i carries "port <startPort + i>" so a test can
// tell which lines were processed. Prints "done <count>" when finished.
import { appendFileSync } from 'node:fs';

const { file, lines, perSecond, ip, host = 'web-1', startPort = 10000, hostile = [] } = JSON.parse(process.argv[2]);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');
function stamp(ts) {
  const d = new Date(ts);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const started = Date.now();
let i = 0;
while (i < lines) {
  const due = Math.min(lines, Math.floor(((Date.now() - started) / 1000) * perSecond) + 1);
  let chunk = '';
  for (; i < due; i++) {
    const user = i % 5 === 0 ? 'admin' : 'root';
    chunk += `${stamp(Date.now())} ${host} sshd[${2000 + (i % 300)}]: Failed password for ${i % 5 === 0 ? 'invalid user ' : ''}${user} from ${ip} port ${startPort + i} ssh2\n`;
  }
  for (const h of hostile) chunk += `${stamp(Date.now())} ${host} ${h}\n`;
  hostile.length = 0;
  if (chunk) appendFileSync(file, chunk);
  await sleep(5);
}
process.stdout.write(`done ${i}\n`);
