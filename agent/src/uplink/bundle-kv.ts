/**
 * State keys of installed model updates. Kept apart from the updater so the daemon can read them at startup without
 * loading the uplink, which is imported only when a control plane is configured.
 */
export const KV = {
  current: 'bundle.current',
  previous: 'bundle.previous',
  signedVersion: 'bundle.signedVersion',
} as const;
