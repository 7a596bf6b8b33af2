/** Reads of the one-to-ones screen: my conversations, one thread, an objective's feedback. */

import { useQuery } from "@tanstack/react-query";
import { api } from "./api";
import type { Conversation, Feedback } from "./conversationTypes";

const enc = encodeURIComponent;
/** No push channel for messages yet: an open thread is read again every few seconds. */
const THREAD_POLL_MS = 4000;

export function useMyConversations() {
  return useQuery({
    queryKey: ["conversations"],
    queryFn: ({ signal }) =>
      api.get<{ items: Conversation[] }>("checkins", "/v1/conversations", signal),
    select: (data) => data.items,
    refetchInterval: THREAD_POLL_MS,
  });
}

export function useConversation(conversationId: string | undefined) {
  return useQuery({
    queryKey: ["conversation", conversationId],
    enabled: Boolean(conversationId),
    queryFn: ({ signal }) =>
      api.get<Conversation>("checkins", `/v1/conversations/${enc(conversationId!)}`, signal),
    refetchInterval: THREAD_POLL_MS,
  });
}

export function useFeedback(objectiveId: string | undefined) {
  return useQuery({
    queryKey: ["feedback", objectiveId],
    enabled: Boolean(objectiveId),
    queryFn: ({ signal }) =>
      api.get<{ items: Feedback[] }>("checkins", `/v1/objectives/${enc(objectiveId!)}/feedback`, signal),
    select: (data) => data.items,
  });
}
