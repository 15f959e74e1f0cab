/**
 * The agent's event clock. On a host it is the wall clock. Replays and the live demo run logs in accelerated time
 * (`clock.speed`): event time = origin + (wall − origin) × speed, so at wall time `origin` both clocks agree and
 * every process given the same origin and speed (the replayer, each agent) computes the same event time. Every part that
 * stamps or closes windows (the pipeline, the samplers, syslog year inference) reads this one clock, so features
 * see the densities the logs really have. Timers, TTLs and cooldowns of the responder stay on the wall clock.
 */
export interface ClockConfig {
  speed: number;
  origin?: string;
}

export type Clock = () => number;

export function createClock(cfg: ClockConfig, wall: () => number = Date.now): Clock {
  if (cfg.speed === 1 && cfg.origin === undefined) return wall;
  const origin = cfg.origin === undefined ? wall() : Date.parse(cfg.origin);
  if (!Number.isFinite(origin)) throw new Error(`clock.origin: not a date-time: ${cfg.origin}`);
  const speed = cfg.speed;
  return () => origin + Math.round((wall() - origin) * speed);
}
