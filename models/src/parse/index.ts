/** Public surface of the parsers: what the agent, the control plane and the CLI use. */
export { CSV_COLUMNS, CsvWriter, csvHeader, csvRow } from './csv.ts';
export { detectFormat, fromFileName } from './detect.ts';
export { drainReport, PUBLISHED_DRAIN_GA, scoreLoghub } from './drain/loghub.ts';
export { DEFAULT_DRAIN_CONFIG, type DrainConfig, type MinedTemplate, TemplateMiner } from './drain/miner.ts';
export { groupingAccuracy } from './drain/score.ts';
export { expandEnvelope } from './envelope.ts';
export { type InputFile, listInputFiles, manifestYear } from './reader/files.ts';
export { DEFAULT_MAX_LINE_BYTES, type LineProblem, type LineSink, LineSplitter } from './reader/lines.ts';
export { createParser, isRecordParser, syslogSourceFromFileName } from './registry.ts';
export {
  type ErrorRecord,
  type EventSink,
  type FormatStats,
  type ParseRunOptions,
  type ParseSummary,
  parsePaths,
} from './run.ts';
export {
  isLogFormat,
  type LineParser,
  LOG_FORMATS,
  type LogFormat,
  type ParseContext,
  type ParseError,
  type ParseErrorCode,
  type ParseResult,
  type ParserOptions,
  type RecordParser,
  type SkipReason,
} from './types.ts';
