import { HOUR, isHoliday, isShoppingPeak, localClock, MINUTE } from './time.ts';
import { lastAtOrBefore, type World } from './world/index.ts';
import type { User } from './world/users.ts';

/**
 * Relative activity curves: daily and weekly seasonality, holidays, leave, release bursts. Every normal actor's
 * weight is built from these, so all sources share one calendar and correlate the way real estates do.
 */

/** A person at work: working hours on weekdays in their own time zone, a lunch dip, rare evenings and weekends. */
export function humanWeight(u: User, t: number): number {
  const { dow, hour, dayIndex } = localClock(t, u.tzOffsetMinutes);
  for (const [a, b] of u.vacations) if (dayIndex >= a && dayIndex < b) return 0.01;
  const weekend = dow === 0 || dow === 6;
  const holiday = isHoliday(dayIndex);
  let w: number;
  const s = u.workStart;
  const e = u.workEnd > s ? u.workEnd : u.workEnd + 24;
  const h = hour < s && e > 24 ? hour + 24 : hour;
  if (h >= s && h < e) w = h >= 12 && h < 13 ? 0.55 : 1;
  else if (h >= s - 1 && h < s) w = 0.25;
  else if (h >= e && h < e + 3) w = 0.12;
  else w = 0.015;
  if (weekend) w *= 0.06;
  if (holiday) w *= 0.08;
  return w * u.activity;
}

/** Shoppers (North America): evening peak in US time, quieter weekends mornings, holiday peaks and troughs, growth. */
export function customerWeight(world: World, t: number): number {
  const { dow, hour, dayIndex } = localClock(t, -300);
  const diurnal =
    0.25 + 0.75 * Math.max(0, Math.sin(((hour - 6) / 18) * Math.PI)) ** 1.3 + (hour >= 19 && hour < 23 ? 0.25 : 0);
  const weekly = dow === 0 ? 0.85 : dow === 6 ? 0.9 : 1;
  const holiday = isShoppingPeak(dayIndex) ? 2.6 : isHoliday(dayIndex) ? 0.7 : 1;
  const growth = 1 + (0.35 * (t - world.startMs)) / (world.endMs - world.startMs);
  return diurnal * weekly * holiday * growth;
}

/** 1 inside [fromHour, toHour) UTC every day, else `otherwise`. */
export function dailyWindow(t: number, fromHour: number, toHour: number, otherwise = 0): number {
  const h = (((t % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR)) / HOUR;
  return h >= fromHour && h < toHour ? 1 : otherwise;
}

/** Sunday 02:00-04:00 UTC: package upgrades and reboots happen here. */
export function inMaintenance(t: number): boolean {
  const { dow, hour } = localClock(t, 0);
  return dow === 0 && hour >= 2 && hour < 4;
}

/** Closeness to a release: 1 during the 20 minutes after a deploy, decaying over the next hour. */
export function deployActivity(world: World, t: number): number {
  const i = lastAtOrBefore(world.deploys, t);
  if (i < 0) return 0;
  const since = t - world.deploys[i];
  if (since < 20 * MINUTE) return 1;
  if (since < 80 * MINUTE) return 1 - (since - 20 * MINUTE) / (60 * MINUTE);
  return 0;
}

/** Start of the current application process generation: the later of the last boot and the last deploy. */
export function appEpoch(world: World, boots: number[], t: number, restartsOnDeploy: boolean): number {
  const boot = boots[Math.max(0, lastAtOrBefore(boots, t))];
  if (!restartsOnDeploy) return boot;
  const d = lastAtOrBefore(world.deploys, t);
  return d >= 0 && world.deploys[d] > boot ? world.deploys[d] : boot;
}

export function lastBoot(boots: number[], t: number): number {
  return boots[Math.max(0, lastAtOrBefore(boots, t))];
}
