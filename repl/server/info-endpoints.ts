// The small endpoints, in ksqlDB's shapes:
//   GET  /info                → {"KsqlServerInfo": {version, kafkaClusterId, ksqlServiceId, serverStatus}}
//   GET  /healthcheck         → {"isHealthy", "details": {metastore, kafka, commandRunner}} (503 when not)
//   GET  /status              → {"commandStatuses": {commandId: status}}
//   GET  /status/{commandId}  → {"status", "message", "queryId"} (commandId as `stream/NAME/create`)
//   POST /close-query {queryId} → ends that push query; 200 with an empty body
//   GET  /metrics             → Prometheus text

import type { ServerContext } from './context.js';
import { badRequest, notFound, requireString } from './errors.js';
import type { Exchange } from './exchange.js';

export async function handleInfo(ex: Exchange, server: ServerContext): Promise<void> {
  ex.send(200, {
    KsqlServerInfo: {
      version: server.version,
      kafkaClusterId: (await server.engine.kafkaClusterId()) ?? 'unknown',
      // ksqlDB's service ids end in `_` by convention (its default is `default_`), as they
      // prefix internal names directly; Sluice's is the id alone and adds the `_` itself.
      ksqlServiceId: `${await server.engine.serviceId()}_`,
      serverStatus: 'RUNNING',
    },
  });
}

export async function handleHealthcheck(ex: Exchange, server: ServerContext): Promise<void> {
  const check = async (probe: () => Promise<unknown>): Promise<{ isHealthy: boolean }> => {
    try {
      await probe();
      return { isHealthy: true };
    } catch {
      return { isHealthy: false };
    }
  };
  const details = {
    metastore: await check(async () => server.engine.sources()),
    kafka: await check(async () => {
      // The engine's own command topic: Kafka mode names it after the service id.
      if (!(await (await server.engine.log()).describeTopic(await server.engine.commandTopic()))) throw new Error('no command topic');
    }),
    commandRunner: await check(async () => server.commands.next()),
  };
  const isHealthy = Object.values(details).every((d) => d.isHealthy);
  ex.send(isHealthy ? 200 : 503, { isHealthy, details });
}

export async function handleStatusList(ex: Exchange, server: ServerContext): Promise<void> {
  ex.send(200, { commandStatuses: await server.commands.all() });
}

export async function handleStatus(ex: Exchange, server: ServerContext): Promise<void> {
  let id: string;
  try {
    id = decodeURIComponent(ex.path.slice('/status/'.length));
  } catch {
    throw badRequest(`Malformed command id in ${ex.path}`);
  }
  const status = await server.commands.get(id);
  if (status === undefined) throw notFound(`Command not found: ${id}`);
  ex.send(200, status);
}

export async function handleCloseQuery(ex: Exchange, server: ServerContext): Promise<void> {
  const queryId = requireString(await ex.jsonBody(), 'queryId');
  if (!server.push.close(queryId)) throw badRequest(`No query with id ${queryId}`);
  ex.reply(200, 'application/json', '');
}

export async function handleMetrics(ex: Exchange, server: ServerContext): Promise<void> {
  const text = await server.metrics.text();
  ex.reply(200, server.metrics.registry.contentType, text);
}
