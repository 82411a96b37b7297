import { z } from "zod";
import { hubEventSchema } from "./hubModel";
import { directorSnapshotSchema } from "./model";
import { seriesResponseSchema } from "./rest";

/** Longest incident title an operator may give. */
export const MAX_INCIDENT_TITLE = 200;
/** Longest note on an incident. */
export const MAX_INCIDENT_NOTE = 4_000;
/** Most notes one incident keeps. */
export const MAX_INCIDENT_NOTES = 200;
/** Most services whose series an exported bundle carries. */
export const MAX_BUNDLE_SERVICES = 50;

/** A note an operator wrote on an incident. */
export const incidentNoteSchema = z.object({
  id: z.number().int(),
  at: z.number(),
  author: z.string().max(200),
  text: z.string().min(1).max(MAX_INCIDENT_NOTE),
});
export type IncidentNote = z.infer<typeof incidentNoteSchema>;

/** An incident in a list: events that belong together (a transition or alert and what surrounds it). */
export const incidentSummarySchema = z.object({
  /** The id of its first transition or alert; `/incidents?id=…` is its permalink. */
  id: z.number().int(),
  title: z.string().max(MAX_INCIDENT_TITLE),
  /** True when an operator gave the title; false for the one made from its events. */
  titled: z.boolean(),
  startedAt: z.number(),
  endedAt: z.number(),
  directors: z.array(z.string()),
  vrids: z.array(z.number().int()),
  eventCount: z.number().int().nonnegative(),
  noteCount: z.number().int().nonnegative(),
});
export type IncidentSummary = z.infer<typeof incidentSummarySchema>;

/** `GET /api/incidents?from&to`: newest first. */
export const incidentsResponseSchema = z.object({ incidents: z.array(incidentSummarySchema) });

/** `GET /api/incidents/:id`: the incident with its events and notes. */
export const incidentResponseSchema = z.object({
  incident: incidentSummarySchema,
  events: z.array(hubEventSchema),
  notes: z.array(incidentNoteSchema).max(MAX_INCIDENT_NOTES),
});
export type IncidentResponse = z.infer<typeof incidentResponseSchema>;

/** `PUT /api/incidents/:id/title`. */
export const incidentTitleRequestSchema = z.strictObject({ title: z.string().trim().min(1).max(MAX_INCIDENT_TITLE) });
/** `POST /api/incidents/:id/notes`. */
export const incidentNoteRequestSchema = z.strictObject({ text: z.string().trim().min(1).max(MAX_INCIDENT_NOTE) });

/** The format name and version a bundle carries, so a later lvsdeck knows what it opens. */
export const INCIDENT_BUNDLE_FORMAT = "lvsdeck-incident";
export const INCIDENT_BUNDLE_VERSION = 1;

/**
 * `GET /api/incidents/:id/bundle`: everything needed to look at the incident later, on any hub, read-only:
 * its events, every director's snapshot just before and at its end, and per-director series of its services.
 */
export const incidentBundleSchema = z.object({
  format: z.literal(INCIDENT_BUNDLE_FORMAT),
  version: z.literal(INCIDENT_BUNDLE_VERSION),
  exportedAt: z.number(),
  exportedBy: z.string().max(200),
  hubVersion: z.string().max(100),
  incident: incidentSummarySchema,
  notes: z.array(incidentNoteSchema).max(MAX_INCIDENT_NOTES),
  events: z.array(hubEventSchema),
  before: z.array(directorSnapshotSchema),
  after: z.array(directorSnapshotSchema),
  series: z.array(seriesResponseSchema).max(MAX_BUNDLE_SERVICES),
});
export type IncidentBundle = z.infer<typeof incidentBundleSchema>;
