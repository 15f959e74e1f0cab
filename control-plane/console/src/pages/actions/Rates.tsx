import { DataTable } from '../../components/DataTable.tsx';
import { ErrorBox, Loading } from '../../components/States.tsx';
import { fmtNum, fmtPct } from '../../format.ts';
import { useLive } from '../../live.ts';
import { useResource } from '../../resource.ts';

interface Tally {
  success: number;
  failure: number;
  rate: number | null;
}
interface Stats {
  sinceDays: number;
  playbooks: Record<string, { auto: Tally; approved: Tally }>;
}

const cell = (t: Tally) => `${fmtPct(t.rate)} (${fmtNum(t.success)} / ${fmtNum(t.success + t.failure)})`;

/** Success rate per playbook, autonomous and approved apart (from GET /v1/actions/stats). */
export function Rates() {
  const stats = useResource<Stats>('/v1/actions/stats?sinceDays=30');
  useLive(['actions.ingested'], stats.reload, 2000);
  if (stats.error) return <ErrorBox error={stats.error} retry={stats.reload} />;
  if (!stats.data) return <Loading what="success rates" />;
  const rows = Object.entries(stats.data.playbooks).map(([name, s]) => ({ name, ...s }));
  return (
    <DataTable
      caption={`Success rate per playbook, last ${stats.data.sinceDays} days`}
      columns={[
        { key: 'name', label: 'Playbook', render: (r) => r.name },
        { key: 'auto', label: 'Autonomous: success rate (ok / finished)', numeric: true, render: (r) => cell(r.auto) },
        {
          key: 'approved',
          label: 'Approved: success rate (ok / finished)',
          numeric: true,
          render: (r) => cell(r.approved),
        },
      ]}
      rows={rows}
      rowKey={(r) => r.name}
      empty="No executed actions in the last 30 days (dry runs are not counted)."
    />
  );
}
