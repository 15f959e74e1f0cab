import { Type } from '@sinclair/typebox';
import { compileValidator } from '../schema/validate.ts';
import { CloudTrailParser } from './cloudtrail.ts';
import { LambdaParser } from './lambda.ts';
import { S3Parser } from './s3.ts';
import { DiskParser, ProcessParser } from './samples.ts';
import { SyslogParser, type TemplateSink } from './syslog/parser.ts';
import { type LineParser, LOG_FORMATS, type LogFormat, type ParserOptions, type RecordParser } from './types.ts';
import { parseVpcHeader, VpcParser } from './vpc.ts';

export const ParserOptionsSchema = Type.Object(
  {
    year: Type.Optional(Type.Integer({ minimum: 1970, maximum: 9999 })),
    referenceTimeMs: Type.Optional(Type.Number({ minimum: 0 })),
    syslogSource: Type.Optional(Type.Union([Type.Literal('ec2.auth'), Type.Literal('ec2.syslog')])),
    fileName: Type.Optional(Type.String({ maxLength: 4096 })),
    vpcFields: Type.Optional(Type.String({ maxLength: 2048 })),
    extendedAttrs: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const validateOptions = compileValidator(ParserOptionsSchema);

export interface CreateParserOptions extends ParserOptions {
  /** Syslog only: mine templates for auth.other/syslog.other messages into attrs.template. */
  templates?: TemplateSink;
  /** Syslog only: keep the classifiers' extra attrs (see SyslogParserOptions.extendedAttrs). */
  extendedAttrs?: boolean;
}

/** Syslog source implied by a file name (`auth.log`, `secure` -> ec2.auth; `syslog`, `messages` -> ec2.syslog). */
export function syslogSourceFromFileName(fileName: string | undefined): 'ec2.auth' | 'ec2.syslog' | undefined {
  if (!fileName) return undefined;
  const base = fileName.slice(fileName.lastIndexOf('/') + 1).toLowerCase();
  if (/^(auth\.log|secure)([.-]|$)/.test(base)) return 'ec2.auth';
  if (/^(syslog|messages|kern\.log|daemon\.log)([.-]|$)/.test(base)) return 'ec2.syslog';
  return undefined;
}

/**
 * A fresh parser for one stream of `format`. Options are validated (a bad option names its key); state such as the
 * syslog year or the VPC header lives in the returned instance, so use one instance per file.
 */
export function createParser(format: LogFormat, options: CreateParserOptions = {}): LineParser {
  const { templates, ...plain } = options;
  validateOptions(plain, 'parser options');
  if (plain.vpcFields !== undefined && parseVpcHeader(plain.vpcFields) === undefined) {
    throw new Error(`parser options: vpcFields: unknown VPC flow log field in '${plain.vpcFields}'`);
  }
  switch (format) {
    case 'syslog':
      return new SyslogParser({
        ...plain,
        syslogSource: plain.syslogSource ?? syslogSourceFromFileName(plain.fileName),
        templates,
      });
    case 'process':
      return new ProcessParser();
    case 'disk':
      return new DiskParser();
    case 'lambda':
      return new LambdaParser(plain.fileName, plain.referenceTimeMs);
    case 's3':
      return new S3Parser();
    case 'vpc':
      return new VpcParser(plain.vpcFields, plain.referenceTimeMs);
    case 'cloudtrail':
      return new CloudTrailParser();
    default:
      throw new Error(`unknown log format '${format as string}' (known: ${LOG_FORMATS.join(', ')})`);
  }
}

/** True for parsers that also take decoded records (envelopes, delivered files). */
export function isRecordParser(p: LineParser): p is RecordParser {
  return typeof (p as RecordParser).parseRecord === 'function';
}
