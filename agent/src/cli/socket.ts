import { loadAgentConfig } from '../config/load.ts';

export const DEFAULT_SOCKET = '/run/vigil/agent.sock';

export const SOCKET_OPTIONS = {
  socket: { type: 'string' },
  config: { type: 'string' },
} as const;

export const SOCKET_HELP = `  --socket PATH   the daemon's status socket (default: from --config, else $VIGIL_AGENT_SOCKET, else ${DEFAULT_SOCKET})
  --config FILE   read the socket path from the agent config`;

/** Where the daemon listens: --socket, else the config's status.socket, else $VIGIL_AGENT_SOCKET, else the default. */
export function socketPath(values: { socket?: string; config?: string }): string {
  if (values.socket) return values.socket;
  if (values.config) return loadAgentConfig(values.config).status.socket;
  return process.env.VIGIL_AGENT_SOCKET || DEFAULT_SOCKET;
}
