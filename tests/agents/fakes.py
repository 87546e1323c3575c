"""Fakes at the boundary we don't own: chat models. Everything else in the agent runs for real."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.runnables import Runnable


class ToolCallingFakeModel(FakeMessagesListChatModel):
    """Replays canned messages (tool calls included), so `with_structured_output` can parse them."""

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable[Any, Any]:
        return self
