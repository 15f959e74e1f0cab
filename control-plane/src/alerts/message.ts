/** One notification, before grouping: `key` groups repeats, `dedupId` drops exact re-deliveries. */
export interface Notice {
  key: string;
  dedupId: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  title: string;
  text: string;
  at: number;
}

/** What a destination receives: the first notice of a group plus how many arrived in the window. */
export interface AlertMessage {
  notice: Notice;
  count: number;
  windowMs: number;
  /** Messages this destination dropped under its rate limit since its last successful send. */
  suppressed: number;
}

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const severityAtLeast = (s: string, min: string) =>
  SEVERITIES.indexOf(s as Notice['severity']) >= SEVERITIES.indexOf(min as Notice['severity']);

/**
 * Slack mrkdwn treats <...> as links and mentions (<!channel>) and &, <, > must be escaped; anomaly fields come
 * from log lines, so without this an attacker could ping a whole channel or plant a link. Also strips control
 * characters and bounds the length.
 */
export function slackEscape(s: string, max = 2000): string {
  const clean = s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
  const cut = clean.length > max ? `${clean.slice(0, max)}…` : clean;
  return cut.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function summaryLine(m: AlertMessage): string {
  const span = m.windowMs < 1000 ? `${m.windowMs}ms` : `${Math.round(m.windowMs / 1000)}s`;
  const repeat = m.count > 1 ? ` (×${m.count} in ${span})` : '';
  return `[${m.notice.severity.toUpperCase()}] ${m.notice.title}${repeat}`;
}

/** Slack-compatible incoming-webhook body. */
export function slackBody(m: AlertMessage): { text: string; blocks: object[] } {
  const head = slackEscape(summaryLine(m), 300);
  const lines = [slackEscape(m.notice.text)];
  if (m.suppressed > 0) lines.push(`_${m.suppressed} earlier alert(s) were dropped by the rate limit_`);
  return {
    text: `${head}: ${slackEscape(m.notice.text, 500)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${head}*` } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `key \`${slackEscape(m.notice.key, 200)}\`` }] },
    ],
  };
}
