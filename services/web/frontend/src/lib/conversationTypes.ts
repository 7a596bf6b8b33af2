/** Shapes of the check-in service's one-to-ones and feedback, as its schemas name them. */

export const FEEDBACK_KINDS = ["praise", "suggestion", "concern"] as const;

export interface Message {
  message_id: string;
  author_id: string;
  text: string;
  posted_at: string | null;
}

export interface Conversation {
  conversation_id: string;
  person_id: string;
  manager_id: string;
  topic: string;
  messages: Message[];
  version: number;
}

export interface Feedback {
  feedback_id: string;
  key_result_id: string | null;
  kind: string;
  text: string;
  author_id: string;
  given_at: string | null;
}
