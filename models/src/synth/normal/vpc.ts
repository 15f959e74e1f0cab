import { customerWeight, dailyWindow, humanWeight, inMaintenance } from '../activity.ts';
import { emitFromActors } from '../engine/budget.ts';
import type { Actor, NormalSource, SlotCtx } from '../engine/types.ts';
import { type Flow, flowRecord, noDataRecord } from '../format/vpc.ts';
import type { Rng } from '../rng.ts';
import type { Host, World } from '../world/index.ts';
import { ephemeralPort, ipIn16 } from '../world/net.ts';

export function pushFlow(
  ctx: SlotCtx,
  f: Omit<Flow, 'start' | 'end'> & { t: number; secs?: number },
  label?: string,
): void {
  const start = Math.floor(f.t / 1000);
  const end = Math.min(start + (f.secs ?? ctx.rng.int(1, 58)), Math.floor(ctx.world.endMs / 1000) - 1);
  const { t: _t, secs: _s, ...rest } = f;
  ctx.sink.push(flowRecord(ctx.world.account, { ...rest, start, end: Math.max(start, end) }, label));
}

/** Packets and bytes of a TCP exchange whose average payload is `avgBytes` per packet. */
export function volume(rng: Rng, medianPackets: number, avgBytes: number): { packets: number; bytes: number } {
  const packets = Math.max(1, Math.round(rng.logNormal(medianPackets, 0.7)));
  return { packets, bytes: Math.max(40, Math.round(packets * avgBytes * rng.range(0.7, 1.3))) };
}

/** A request and its response as the two one-direction records the flow log writes. */
function exchange(
  ctx: SlotCtx,
  t: number,
  eni: string,
  client: string,
  server: string,
  port: number,
  median: number,
  max: number,
): number {
  const r = ctx.rng;
  const cport = ephemeralPort(r);
  const req = volume(r, median, 180);
  pushFlow(ctx, {
    t,
    eni,
    src: client,
    dst: server,
    srcPort: cport,
    dstPort: port,
    protocol: 6,
    ...req,
    action: 'ACCEPT',
  });
  if (max < 2 || r.chance(0.3)) return 1;
  const resp = volume(r, median * 1.4, 1100);
  pushFlow(ctx, {
    t,
    eni,
    src: server,
    dst: client,
    srcPort: port,
    dstPort: cport,
    protocol: 6,
    ...resp,
    action: 'ACCEPT',
  });
  return 2;
}

const SCAN_PORTS = [22, 23, 80, 443, 445, 1433, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200, 27017];

function actors(world: World): Actor[] {
  const web = world.hosts.filter((h) => h.role === 'web');
  const api = world.hosts.find((h) => h.role === 'api');
  const db = world.hosts.find((h) => h.role === 'db');
  const bastion = world.hosts.find((h) => h.role === 'bastion');
  const batch = world.hosts.find((h) => h.role === 'batch');
  const albs = world.shared.filter((s) => s.kind === 'alb');
  const publicHosts = world.hosts.filter((h) => h.public);
  const humans = world.users.filter((u) => u.human && u.hosts.length > 0);
  const out: Actor[] = [];
  const add = (w: (t: number) => number, emit: Actor['emit']) => out.push({ weight: w, emit });
  if (albs.length) {
    add(
      (t) => customerWeight(world, t) * 3,
      (t, max, ctx) => {
        const alb = ctx.rng.pick(albs);
        return exchange(ctx, t, alb.eni, ctx.rng.pick(world.pools.customers), alb.ip, 443, 14, max);
      },
    );
  }
  if (albs.length && web.length) {
    add(
      (t) => customerWeight(world, t) * 2,
      (t, max, ctx) => {
        const h = ctx.rng.pick(web);
        return exchange(ctx, t, h.eni, ctx.rng.pick(albs).ip, h.privateIp, 80, 12, max);
      },
    );
  }
  if (web.length && api)
    add(
      (t) => customerWeight(world, t) * 1.5,
      (t, max, ctx) => exchange(ctx, t, api.eni, ctx.rng.pick(web).privateIp, api.privateIp, 8080, 10, max),
    );
  if (api && db)
    add(
      (t) => customerWeight(world, t) * 1.2,
      (t, max, ctx) => exchange(ctx, t, db.eni, api.privateIp, db.privateIp, 5432, 20, max),
    );
  if (bastion && humans.length) {
    add(
      (t) => humans.reduce((s, u) => s + humanWeight(u, t), 0) * 0.4,
      (t, max, ctx) => {
        const u = ctx.rng.pick(humans);
        const target = ctx.rng.pick(world.hosts);
        if (target === bastion) return exchange(ctx, t, bastion.eni, u.ips[0], bastion.privateIp, 22, 300, max);
        return exchange(ctx, t, target.eni, bastion.privateIp, target.privateIp, 22, 300, max);
      },
    );
  }
  // Outbound through the NAT: SSM/CloudWatch endpoints all day, package mirrors in update windows.
  add(
    (t) => world.hosts.length * 0.2 + (inMaintenance(t) ? 4 : 0) + dailyWindow(t, 6, 7) * 2,
    (t, max, ctx) => {
      const h: Host = ctx.rng.pick(world.hosts);
      const mirror = inMaintenance(t) || dailyWindow(t, 6, 7) > 0;
      const dst = mirror
        ? ctx.rng.pick(['91.189.91.81', '185.125.190.36', '91.189.91.83'])
        : ipIn16(ctx.rng, ctx.rng.pick(['52.46', '52.94', '54.239']));
      return exchange(ctx, t, h.eni, h.privateIp, dst, mirror ? 80 : 443, mirror ? 400 : 20, max);
    },
  );
  // Nightly bulk transfers to S3: the ETL job and the database dump (benign high outbound).
  if (batch)
    add(
      (t) => dailyWindow(t, 1, 4) * 2,
      (t, max, ctx) => exchange(ctx, t, batch.eni, batch.privateIp, ipIn16(ctx.rng, '52.216'), 443, 9000, max),
    );
  if (db)
    add(
      (t) => dailyWindow(t, 3, 4) * 2,
      (t, max, ctx) => exchange(ctx, t, db.eni, db.privateIp, ipIn16(ctx.rng, '52.217'), 443, 12000, max),
    );
  // Internet background scanning of public interfaces: mostly rejected, never labelled.
  if (publicHosts.length) {
    add(
      () => publicHosts.length * 1.3,
      (t, _max, ctx) => {
        const h = ctx.rng.pick(publicHosts);
        const port = ctx.rng.pick(SCAN_PORTS);
        const open = port === 22 || (h.role === 'web' && (port === 80 || port === 443));
        pushFlow(ctx, {
          t,
          eni: h.eni,
          src: ctx.rng.pick(world.pools.scanners),
          dst: h.privateIp,
          srcPort: ephemeralPort(ctx.rng),
          dstPort: port,
          protocol: 6,
          packets: open ? ctx.rng.int(2, 6) : 1,
          bytes: open ? ctx.rng.int(120, 400) : ctx.rng.pick([40, 44, 60]),
          action: open ? 'ACCEPT' : 'REJECT',
          secs: ctx.rng.int(0, 5),
        });
        return 1;
      },
    );
  }
  // ICMP health checks from the bastion, and idle interfaces reporting NODATA.
  if (bastion) {
    add(
      () => 0.25,
      (t, _max, ctx) => {
        const h = ctx.rng.pick(world.hosts);
        pushFlow(ctx, {
          t,
          eni: h.eni,
          src: bastion.privateIp,
          dst: h.privateIp,
          srcPort: 0,
          dstPort: 0,
          protocol: 1,
          packets: 4,
          bytes: 336,
          action: 'ACCEPT',
        });
        return 1;
      },
    );
  }
  add(
    () => 0.06,
    (t, _max, ctx) => {
      const eni = ctx.rng.pick([...world.hosts.map((h) => h.eni), ...world.shared.map((s) => s.eni)]);
      const start = Math.floor(t / 1000);
      ctx.sink.push(noDataRecord(world.account, eni, start, start + 60, ctx.rng.chance(0.9) ? 'NODATA' : 'SKIPDATA'));
      return 1;
    },
  );
  return out;
}

export function vpcSource(world: World): NormalSource {
  const list = actors(world);
  const filler = list[list.length - 1];
  return {
    source: 'vpc',
    weight: (t) => list.reduce((s, a) => s + a.weight(t), 0),
    emit: (ctx, count, slack) => emitFromActors(list, filler, ctx, count, slack),
  };
}
