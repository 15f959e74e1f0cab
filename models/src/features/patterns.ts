/**
 * Content patterns that turn free text into counts. Each is a plain, linear-time regex (no nested quantifiers) because
 * it runs on attacker-controlled text.
 */

/** Command lines that fetch-and-execute, decode payloads, open reverse shells, mine, or wipe traces. */
const SUSPICIOUS_COMMAND =
  /(?:curl|wget)[^|;&]{0,200}\|\s*(?:ba|z|da)?sh\b|base64\s+(?:-d|--decode)|\/dev\/tcp\/|\bnc(?:at)?\s+(?:-[a-z]*e|.{0,80}-e\s)|\bsocat\b.{0,80}exec|bash\s+-i\s*>&|python[23]?\s+-c\s+['"]?import\s+(?:socket|pty)|\bxmrig\b|stratum\+tcp|\bminerd\b|cryptonight|chmod\s+\+x\s+\/(?:tmp|dev\/shm|var\/tmp)|history\s+-c|unset\s+HISTFILE|rm\s+-rf?\s+\/var\/log|\/etc\/shadow|authorized_keys/i;

export function isSuspiciousCommand(text: string | undefined): boolean {
  return (
    text !== undefined && text.length > 0 && SUSPICIOUS_COMMAND.test(text.length > 4096 ? text.slice(0, 4096) : text)
  );
}

/** Offensive tooling: scanners, crackers, tunnels, miners. Installing one on a server is rarely routine. */
const OFFENSIVE_TOOL =
  /(?:^|[\s/=:])(?:nmap|masscan|zmap|sqlmap|hydra|medusa|john|hashcat|nikto|metasploit(?:-framework)?|msfconsole|msfvenom|netcat(?:-traditional|-openbsd)?|ncat|socat|tcpdump|tshark|wireshark|aircrack-ng|ettercap|responder|mimikatz|impacket|crackmapexec|gobuster|dirb|dirbuster|wfuzz|ffuf|proxychains4?|chisel|ngrok|kerbrute|enum4linux|nbtscan|xmrig|minerd|cpuminer|linpeas|pspy)(?:$|[\s:=_-])/i;

export function isOffensiveTool(text: string | undefined): boolean {
  return text !== undefined && text.length > 0 && OFFENSIVE_TOOL.test(text.length > 4096 ? text.slice(0, 4096) : text);
}

/** Executables in world-writable or memory-backed places, where legitimate daemons do not live. */
export function isTempExecutable(exe: string | undefined): boolean {
  return exe !== undefined && /^\/(?:tmp|var\/tmp|dev\/shm|run\/user)\//.test(exe);
}

/** Object keys that look like they hold sensitive data. */
const SENSITIVE_KEY =
  /(?:^|[/_.-])(?:finance|payroll|customer|customers|pii|ssn|secret|secrets|credential|credentials|backup|backups|private|confidential|hr|salary|invoice|invoices|export|dump)(?:[/_.-]|$)|\.(?:pem|key|kdbx|bak|sql|dump)$/i;

export function isSensitiveKey(key: string | undefined): boolean {
  return key !== undefined && SENSITIVE_KEY.test(key);
}

/** CloudTrail calls that create identities, credentials or privileges: the persistence steps of an account takeover. */
export const IAM_PERSISTENCE_EVENTS = new Set([
  'CreateUser',
  'CreateAccessKey',
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'AttachUserPolicy',
  'AttachRolePolicy',
  'AttachGroupPolicy',
  'PutUserPolicy',
  'PutRolePolicy',
  'PutGroupPolicy',
  'AddUserToGroup',
  'CreateRole',
  'UpdateAssumeRolePolicy',
  'CreatePolicyVersion',
  'SetDefaultPolicyVersion',
  'CreateVirtualMFADevice',
  'DeactivateMFADevice',
  'ImportKeyPair',
  'CreateKeyPair',
  'AuthorizeSecurityGroupIngress',
]);

/** CloudTrail calls that blind the defenders. */
export const LOG_TAMPER_EVENTS = new Set([
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
  'DeleteFlowLogs',
  'DeleteLogGroup',
  'DeleteLogStream',
  'DeleteDetector',
  'DisableSecurityHub',
  'DeleteConfigurationRecorder',
  'StopConfigurationRecorder',
  'PutBucketLogging',
]);

const DENIED_CODES =
  /^(?:AccessDenied|.*UnauthorizedOperation|.*AccessDeniedException|InvalidClientTokenId|SignatureDoesNotMatch)$/;

export function isAccessDenied(code: string | undefined): boolean {
  return code !== undefined && DENIED_CODES.test(code);
}

/** RFC 1918, CGNAT and unique-local IPv6: traffic from these is "internal". */
export function isPrivateIp(ip: string | undefined): boolean {
  if (!ip) return false;
  if (ip.includes(':')) return /^f[cd]/i.test(ip);
  const dot = ip.indexOf('.');
  const a = Number(ip.slice(0, dot));
  if (a === 10) return true;
  const b = Number(ip.slice(dot + 1, ip.indexOf('.', dot + 1)));
  return (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}
