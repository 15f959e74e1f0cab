import type { Injector } from '../engine/types.ts';
import { planBruteForce, planCredentialStuffing, planSuspiciousCommand } from './ec2-access.ts';
import { planCryptoMiner, planDiskFill } from './ec2-host.ts';
import { planUnexpectedPackage } from './ec2-package.ts';

const PLANS = {
  ssh_brute_force: planBruteForce,
  credential_stuffing: planCredentialStuffing,
  suspicious_command: planSuspiciousCommand,
  unexpected_package: planUnexpectedPackage,
  crypto_miner: planCryptoMiner,
  disk_fill: planDiskFill,
} as const;

/** Host anomalies: auth.log (logins, sudo), syslog (dpkg, ENOSPC), process and disk samples. */
export const ec2Injector: Injector = {
  types: Object.keys(PLANS) as (keyof typeof PLANS)[],
  lowAndSlow: [
    'ssh_brute_force',
    'credential_stuffing',
    'suspicious_command',
    'unexpected_package',
    'crypto_miner',
    'disk_fill',
  ],
  plan(ctx) {
    const plan = PLANS[ctx.type as keyof typeof PLANS];
    if (!plan) throw new Error(`ec2 injector cannot plan ${ctx.type}`);
    return plan(ctx);
  },
};
