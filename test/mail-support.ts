import { SMTPServer } from 'smtp-server';
import { EMAIL_JOB, registerNotifyJobs } from '../src/notify/mail.ts';
import { JobRunner } from '../src/platform/jobs.ts';
import { startTestSimpul, type TestSimpul } from './support.ts';

/** What the sink received: the envelope and the raw message. */
export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** A local SMTP server for tests: accepts everything, or refuses the next `refuseNext` messages (451). */
export interface MailSink {
  port: number;
  inbox: Mail[];
  refuseNext: number;
  refused: number;
  close(): Promise<void>;
}

export function startMailSink(): Promise<MailSink> {
  const state = { inbox: [] as Mail[], refuseNext: 0, refused: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (state.refuseNext > 0) {
          state.refuseNext--;
          state.refused++;
          const e = new Error('Mailbox busy, try again later') as Error & { responseCode: number };
          e.responseCode = 451;
          return callback(e);
        }
        state.inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const sink = Object.assign(state, {
        port: (server.server.address() as { port: number }).port,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
      resolve(sink);
    });
  });
}

/** Quoted-printable soft line breaks removed, so a long line can be searched whole. */
export const decodeMail = (raw: string) => raw.replace(/=\r?\n/g, '');

export interface MailSimpul {
  s: TestSimpul;
  sink: MailSink;
  runner: JobRunner;
  /** Runs e-mail jobs until none is due, waiting out the (tiny) back-off between attempts. */
  deliverAll(): Promise<void>;
  stop(): Promise<void>;
}

/** A test Simpul that e-mails through a local sink, with a job runner for the e-mail jobs only. */
export async function startMailSimpul(mailFrom = 'Simpul <simpul@uji.example>'): Promise<MailSimpul> {
  const sink = await startMailSink();
  const s = await startTestSimpul({
    config: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, mailFrom, publicUrl: 'https://simpul.uji.example' },
  });
  const runner = new JobRunner(s.ctx.database.db, { backoffMs: 5 });
  registerNotifyJobs(runner, s.ctx.database.db);
  async function deliverAll(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      await runner.drain();
      const waiting = await s.ctx.database.db
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', EMAIL_JOB)
        .where('status', '=', 'queued')
        .execute();
      if (waiting.length === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('e-mail jobs did not finish');
  }
  return {
    s,
    sink,
    runner,
    deliverAll,
    async stop() {
      await s.stop();
      await sink.close();
    },
  };
}
