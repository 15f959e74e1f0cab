/**
 * Normalized action names for sources whose native logs are free text. Parsers map every message variant they
 * recognise to one of these; the generator writes lines that parse back to them. Sources with a native operation
 * name (s3, cloudtrail) keep it; vpc uses 'flow'; the samplers use 'process.sample' / 'disk.sample'.
 */
export const AUTH_ACTIONS = {
  /** sshd "Accepted password|publickey|keyboard-interactive/pam for U from IP port P" (attrs.method). */
  sshLogin: 'ssh.login',
  /** sshd "Failed password|publickey|none for [invalid user] U from IP port P" (attrs.method, attrs.invalidUser). */
  sshFailed: 'ssh.failed',
  /** sshd "Invalid user U from IP [port P]". */
  sshInvalidUser: 'ssh.invalid_user',
  /** pam_unix(sshd:auth) / pam "authentication failure; ... rhost=IP user=U" and "N more authentication failures". */
  pamAuthFailure: 'pam.auth_failure',
  /** sshd "error: maximum authentication attempts exceeded", "Disconnecting: Too many authentication failures". */
  sshMaxAuth: 'ssh.max_auth',
  /** sshd "POSSIBLE BREAK-IN ATTEMPT!", "reverse mapping checking getaddrinfo ... failed". */
  sshBreakIn: 'ssh.break_in',
  /** sshd "Connection closed by", "Received disconnect from", "Disconnected from", "Connection reset by". */
  sshDisconnect: 'ssh.disconnect',
  /** sshd "Did not receive identification string", "banner exchange", "Bad protocol version", "kex ... failed". */
  sshProbe: 'ssh.probe',
  /** pam_unix(X:session): session opened / closed for user U (attrs.service). */
  sessionOpen: 'session.open',
  sessionClose: 'session.close',
  /** sudo "U : TTY=t ; PWD=p ; USER=r ; COMMAND=c" (resource = command, attrs.runAs). */
  sudoCommand: 'sudo.command',
  /** sudo "U : N incorrect password attempts", "user NOT in sudoers", pam_unix(sudo:auth) failure. */
  sudoFailure: 'sudo.failure',
  /** su "Successful su for X by Y", "(to X) Y on pts/0", "FAILED su for X by Y". */
  su: 'su',
  /** useradd / groupadd / usermod / userdel / passwd changes (attrs.op). */
  accountChange: 'account.change',
  /** Anything from an auth facility program that matched no other rule (template mined by Drain). */
  other: 'auth.other',
} as const;

export const SYSLOG_ACTIONS = {
  /** CRON[pid]: (U) CMD (command) - resource = command. */
  cronCommand: 'cron.command',
  /** systemd "Started X", "Starting X...", "Stopped X" - resource = unit. */
  serviceStart: 'service.start',
  serviceStop: 'service.stop',
  /** systemd "X: Failed with result ..." / "Main process exited, code=..., status=..." - resource = unit. */
  serviceFail: 'service.fail',
  /** dpkg/apt/yum/dnf "install|upgrade|remove PKG VERSION" - resource = package, attrs.op, attrs.version. */
  packageChange: 'package.change',
  /** kernel "Out of memory: Killed process PID (comm)" / oom-killer. */
  kernelOom: 'kernel.oom',
  /** kernel "EXT4-fs ... No space left", "I/O error" and other kernel error lines. */
  kernelError: 'kernel.error',
  /** Any kernel line that is not an error. */
  kernelInfo: 'kernel.info',
  /** "No space left on device" from any program. */
  diskFull: 'disk.full',
  /** Anything else; the template id is in attrs.template. */
  other: 'syslog.other',
} as const;

export const LAMBDA_ACTIONS = {
  start: 'lambda.start',
  end: 'lambda.end',
  /** REPORT line: durationMs, memoryMb (Max Memory Used), memoryLimitMb, attrs.billedMs, attrs.initMs. */
  report: 'lambda.report',
  /** "Task timed out after N seconds" (attrs.timeoutS). */
  timeout: 'lambda.timeout',
  /** Runtime.OutOfMemory / "Runtime exited with error: signal: killed" / memory limit reached. */
  outOfMemory: 'lambda.oom',
  /** ERROR lines, Runtime.* errors, "Process exited before completing request", uncaught exceptions. */
  error: 'lambda.error',
  /** Application log line (INFO/WARN/DEBUG) - attrs.level. */
  log: 'lambda.log',
} as const;

export const SAMPLE_ACTIONS = { process: 'process.sample', disk: 'disk.sample', flow: 'flow' } as const;

type ValuesOf<T> = T[keyof T];
export type AuthAction = ValuesOf<typeof AUTH_ACTIONS>;
export type SyslogAction = ValuesOf<typeof SYSLOG_ACTIONS>;
export type LambdaAction = ValuesOf<typeof LAMBDA_ACTIONS>;
