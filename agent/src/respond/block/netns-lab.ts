import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type CommandRunner, execFileRunner } from '../exec/run.ts';

/**
 * Test-only: two network namespaces joined by a veth pair. "host" runs the firewall and a TCP server on ports 8022
 * and 22; "peer" owns three addresses and runs a probe that connects from a chosen source address. Nothing here
 * touches the machine's own network namespace.
 */
const IP = '/usr/sbin/ip';

export function netnsAvailable(): string | null {
  const probe = `vigil-probe-${process.pid}`;
  try {
    execFileSync(IP, ['netns', 'add', probe], { stdio: 'ignore' });
    execFileSync(IP, ['netns', 'del', probe], { stdio: 'ignore' });
    return null;
  } catch (err) {
    return `network namespaces unavailable: ${(err as Error).message.split('\n')[0]}`;
  }
}

const SERVER = `const net = require('node:net');
let n = 0;
for (const port of [8022, 22]) net.createServer((s) => { s.on('error', () => {}); s.write('hi'); }).listen(port, '::', () => { if (++n === 2) console.log(process.pid); });`;

const PROBE = `const net = require('node:net');
const held = [];
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, src, dst, port] = line.split(' ');
  const s = net.connect({ host: dst, port: Number(port), localAddress: src, timeout: 400 });
  s.once('data', () => { console.log('open'); if (cmd === 'hold') held.push(s); else s.destroy(); });
  s.once('timeout', () => { console.log('timeout'); s.destroy(); });
  s.once('error', (e) => console.log('error ' + e.code));
});`;

export class NetnsLab {
  readonly host: string;
  readonly peer: string;
  readonly hostIp: string;
  readonly peerIps: string[];
  readonly hostIp6 = 'fd00:76:6c::1';
  readonly peerIp6 = 'fd00:76:6c::2';
  serverPid = 0;
  private readonly procs: ChildProcess[] = [];
  private answers: ((line: string) => void)[] = [];
  private probe?: ChildProcess;

  constructor(tag: string) {
    const id = `${tag}${process.pid % 100_000}`;
    this.host = `vigil-h-${id}`;
    this.peer = `vigil-p-${id}`;
    const net = `10.${200 + (process.pid % 50)}.${tag.charCodeAt(0) % 250}`;
    this.hostIp = `${net}.1`;
    this.peerIps = [`${net}.2`, `${net}.3`, `${net}.4`];
  }

  async start(): Promise<void> {
    const sh = (...args: string[]) => execFileSync(IP, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    sh('netns', 'add', this.host);
    sh('netns', 'add', this.peer);
    sh('-n', this.host, 'link', 'add', 'vh', 'type', 'veth', 'peer', 'name', 'vp', 'netns', this.peer);
    sh('-n', this.host, 'addr', 'add', `${this.hostIp}/24`, 'dev', 'vh');
    sh('-n', this.host, 'addr', 'add', `${this.hostIp6}/64`, 'dev', 'vh', 'nodad');
    for (const ip of this.peerIps) sh('-n', this.peer, 'addr', 'add', `${ip}/24`, 'dev', 'vp');
    sh('-n', this.peer, 'addr', 'add', `${this.peerIp6}/64`, 'dev', 'vp', 'nodad');
    for (const [ns, dev] of [
      [this.host, 'vh'],
      [this.peer, 'vp'],
      [this.host, 'lo'],
      [this.peer, 'lo'],
    ]) {
      sh('-n', ns, 'link', 'set', dev, 'up');
    }
    const server = this.spawnIn(this.host, SERVER);
    this.serverPid = Number(await firstLine(server));
    this.probe = this.spawnIn(this.peer, PROBE);
    createInterface({ input: this.probe.stdout! }).on('line', (line) => this.answers.shift()?.(line));
  }

  /** Runs every command inside the host namespace: the firewall under test never sees the real host. */
  runner(): CommandRunner {
    const inner = execFileRunner(10_000);
    return { run: (file, args, input) => inner.run(IP, ['netns', 'exec', this.host, file, ...args], input) };
  }

  /** 'open', 'timeout' (dropped) or 'error CODE', connecting from src in the peer namespace. */
  connect(src: string, port = 8022, hold = false): Promise<string> {
    const dst = src.includes(':') ? this.hostIp6 : this.hostIp;
    return new Promise((resolve) => {
      this.answers.push(resolve);
      this.probe!.stdin!.write(`${hold ? 'hold' : 'try'} ${src} ${dst} ${port}\n`);
    });
  }

  stop(): void {
    for (const p of this.procs) p.kill('SIGKILL');
    for (const ns of [this.host, this.peer]) {
      try {
        execFileSync(IP, ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  }

  private spawnIn(ns: string, code: string): ChildProcess {
    const child = spawn(IP, ['netns', 'exec', ns, process.execPath, '-e', code], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.procs.push(child);
    return child;
  }
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
}
