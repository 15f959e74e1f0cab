import type { Incident, Injector, PlanCtx } from '../engine/types.ts';
import { pushFlow } from '../normal/vpc.ts';
import { DAY, HOUR, MINUTE } from '../time.ts';
import type { Host } from '../world/index.ts';
import { ephemeralPort } from '../world/net.ts';
import { freshIp, IncidentBuilder, sized, warps, windowAt } from './kit.ts';

const TOP_PORTS = [
  21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1433, 1521, 1723, 2049, 2375, 3306, 3389, 5432,
  5900, 5985, 6379, 8000, 8080, 8443, 9000, 9200, 11211, 27017,
];

function publicOrAny(ctx: PlanCtx): Host {
  const pub = ctx.world.hosts.filter((h) => h.public);
  return ctx.rng.pick(pub.length ? pub : ctx.world.hosts);
}

/** One source walking through ports: from the internet at a public host, or from a compromised host inside. */
function planPortScan(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const internal = ctx.rng.chance(0.3) && ctx.world.hosts.length > 1;
  const src = internal ? ctx.rng.pick(ctx.world.hosts) : undefined;
  const target = internal ? ctx.rng.pick(ctx.world.hosts.filter((h) => h !== src)) : publicOrAny(ctx);
  const ip = src ? src.privateIp : freshIp(ctx);
  const units = slow ? sized(ctx, 9, 27, 6) : sized(ctx, 15, 90, 8);
  const { start, end } = windowAt(ctx, slow ? ctx.rng.range(6, 24) * HOUR : ctx.rng.range(2, 30) * MINUTE);
  const b = new IncidentBuilder(ctx);
  const label = b.label(
    'vpc',
    { kind: 'ip', id: ip },
    start,
    end,
    `${slow ? 'slow ' : ''}port scan of ${target.privateIp} from ${ip}${internal ? ' (inside the VPC)' : ''}`,
    { ip, eni: target.eni },
  );
  const sequential = ctx.rng.chance(0.5);
  const base = ctx.rng.int(1, 2000);
  b.stream({
    label,
    source: 'vpc',
    units,
    linesPerUnit: 1,
    start,
    end,
    span: 10_000,
    unit: (t, c, i) => {
      const port = i < TOP_PORTS.length && !sequential ? TOP_PORTS[i] : sequential ? base + i : c.rng.int(1, 65535);
      const open =
        port === 22 ||
        (target.role === 'web' && (port === 80 || port === 443)) ||
        (target.role === 'db' && port === 5432 && internal);
      pushFlow(
        c,
        {
          t,
          eni: target.eni,
          src: ip,
          dst: target.privateIp,
          srcPort: ephemeralPort(c.rng),
          dstPort: port,
          protocol: 6,
          packets: open ? 3 : 1,
          bytes: open ? 180 : 44,
          action: open || internal ? 'ACCEPT' : 'REJECT',
          secs: c.rng.int(0, 4),
        },
        label,
      );
    },
  });
  return b.build('port_scan', start, end);
}

/** Volumetric flood on the load balancer or a web host: SYN flood or UDP reflection from many sources. */
function planDdos(ctx: PlanCtx): Incident {
  const albs = ctx.world.shared.filter((s) => s.kind === 'alb');
  const host = publicOrAny(ctx);
  const target = albs.length && ctx.rng.chance(0.7) ? ctx.rng.pick(albs) : { eni: host.eni, ip: host.privateIp };
  const sources = Array.from({ length: Math.round(30 + 300 * ctx.intensity) }, () => freshIp(ctx));
  const reflection = ctx.rng.chance(0.4);
  const reflector = ctx.rng.pick([123, 53, 1900, 11211, 19]);
  const units = sized(ctx, 24, 144, 10);
  const { start, end } = windowAt(ctx, ctx.rng.range(10, 60) * MINUTE);
  const b = new IncidentBuilder(ctx);
  const dstPort = reflection ? 0 : 443;
  const label = b.label(
    'vpc',
    { kind: 'eni', id: target.eni },
    start,
    end,
    `${reflection ? `UDP reflection (port ${reflector})` : 'SYN flood'} against ${target.ip} from ${sources.length} sources`,
    {
      eni: target.eni,
      dstPort,
      sourceIps: sources.length,
    },
  );
  b.stream({
    label,
    source: 'vpc',
    units,
    linesPerUnit: 1,
    start,
    end,
    span: 60_000,
    warp: warps.burst,
    unit: (t, c) => {
      const src = c.rng.pick(sources);
      const packets = Math.round(c.rng.logNormal(800 + 4000 * ctx.intensity, 0.5));
      if (reflection) {
        pushFlow(
          c,
          {
            t,
            eni: target.eni,
            src,
            dst: target.ip,
            srcPort: reflector,
            dstPort: ephemeralPort(c.rng),
            protocol: 17,
            packets,
            bytes: packets * c.rng.int(400, 1400),
            action: c.rng.chance(0.8) ? 'REJECT' : 'ACCEPT',
            secs: 59,
          },
          label,
        );
      } else {
        pushFlow(
          c,
          {
            t,
            eni: target.eni,
            src,
            dst: target.ip,
            srcPort: ephemeralPort(c.rng),
            dstPort: 443,
            protocol: 6,
            packets,
            bytes: packets * 60,
            action: 'ACCEPT',
            secs: 59,
          },
          label,
        );
      }
    },
  });
  return b.build('ddos', start, end);
}

/** Tunnels: GRE, IP-in-IP, 6in4 or ESP from an internal host to an outside address. */
function planUnusualProtocol(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const host = ctx.rng.pick(ctx.world.hosts);
  const dst = freshIp(ctx);
  const protocol = ctx.rng.pick([47, 4, 41, 50]);
  const units = slow ? sized(ctx, 2, 6, 3) : sized(ctx, 5, 27, 4);
  const { start, end } = windowAt(ctx, slow ? ctx.rng.range(1, 3) * DAY : ctx.rng.range(0.5, 4) * HOUR);
  const b = new IncidentBuilder(ctx);
  const label = b.label(
    'vpc',
    { kind: 'eni', id: host.eni },
    start,
    end,
    `protocol ${protocol} tunnel from ${host.privateIp} to ${dst}`,
    { eni: host.eni, ip: dst, protocol },
  );
  b.stream({
    label,
    source: 'vpc',
    units,
    linesPerUnit: 1,
    start,
    end,
    span: 60_000,
    unit: (t, c) => {
      const packets = Math.round(c.rng.logNormal(slow ? 20 : 400, 0.6));
      pushFlow(
        c,
        {
          t,
          eni: host.eni,
          src: host.privateIp,
          dst,
          srcPort: 0,
          dstPort: 0,
          protocol,
          packets,
          bytes: packets * c.rng.int(90, 1300),
          action: 'ACCEPT',
          secs: c.rng.int(20, 59),
        },
        label,
      );
    },
  });
  return b.build('unusual_protocol', start, end);
}

/** An internal host sending far more than usual to an address outside AWS (or slightly more, for days). */
function planInternalExfil(ctx: PlanCtx): Incident {
  const slow = ctx.variant === 'low_and_slow';
  const hosts = ctx.world.hosts.filter((h) => h.role === 'db' || h.role === 'batch' || h.role === 'api');
  const host = ctx.rng.pick(hosts.length ? hosts : ctx.world.hosts);
  const dst = freshIp(ctx);
  const port = ctx.rng.pick([443, 443, 8443, 53, 9001]);
  const units = slow ? sized(ctx, 5, 15, 5) : sized(ctx, 6, 36, 5);
  const { start, end } = windowAt(ctx, slow ? ctx.rng.range(2, 5) * DAY : ctx.rng.range(1, 6) * HOUR);
  const perFlow = slow ? ctx.rng.range(2e6, 6e6) : (0.05 + 1.5 * ctx.intensity) * 1e9;
  const b = new IncidentBuilder(ctx);
  const label = b.label(
    'vpc',
    { kind: 'eni', id: host.eni },
    start,
    end,
    `${host.privateIp} sending ${slow ? 'a steady trickle' : 'bulk data'} to ${dst}:${port}`,
    {
      eni: host.eni,
      ip: dst,
      srcIp: host.privateIp,
    },
  );
  b.stream({
    label,
    source: 'vpc',
    units,
    linesPerUnit: 1,
    start,
    end,
    span: 60_000,
    unit: (t, c) => {
      const bytes = Math.round(perFlow * c.rng.range(0.6, 1.4));
      pushFlow(
        c,
        {
          t,
          eni: host.eni,
          src: host.privateIp,
          dst,
          srcPort: ephemeralPort(c.rng),
          dstPort: port,
          protocol: port === 53 ? 17 : 6,
          packets: Math.max(1, Math.round(bytes / 1400)),
          bytes,
          action: 'ACCEPT',
          secs: c.rng.int(40, 59),
        },
        label,
      );
    },
  });
  return b.build('internal_exfil', start, end);
}

export const vpcInjector: Injector = {
  types: ['port_scan', 'ddos', 'unusual_protocol', 'internal_exfil'],
  lowAndSlow: ['port_scan', 'unusual_protocol', 'internal_exfil'],
  plan(ctx) {
    if (ctx.type === 'port_scan') return planPortScan(ctx);
    if (ctx.type === 'ddos') return planDdos(ctx);
    if (ctx.type === 'unusual_protocol') return planUnusualProtocol(ctx);
    return planInternalExfil(ctx);
  },
};
