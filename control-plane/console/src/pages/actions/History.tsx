import { qs } from '../../api.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { Pager, useCursorPager } from '../../components/Pager.tsx';
import { ErrorBox, Loading } from '../../components/States.tsx';
import { useLive } from '../../live.ts';
import { useResource } from '../../resource.ts';
import type { ActionRecord, PageOf } from '../../types.ts';
import { ACTION_COLUMNS } from '../incident/Panels.tsx';

export function History({ playbook, result }: { playbook: string; result: string }) {
  const pager = useCursorPager(`${playbook}|${result}`);
  const list = useResource<PageOf<ActionRecord>>(
    qs('/v1/console/actions', { playbook, result, limit: 50, cursor: pager.cursor }),
  );
  useLive(['actions.ingested'], list.reload, 1000);
  return (
    <>
      {list.error ? <ErrorBox error={list.error} retry={list.reload} /> : null}
      {list.data ? (
        <DataTable
          caption="Action history, newest first"
          columns={ACTION_COLUMNS}
          rows={list.data.items}
          rowKey={(a) => a.id}
          empty="No actions recorded."
        />
      ) : list.loading ? (
        <Loading what="history" />
      ) : null}
      <Pager
        label="History pages"
        page={pager.page}
        nextCursor={list.data?.nextCursor}
        onNext={pager.next}
        onPrev={pager.prev}
      />
    </>
  );
}
