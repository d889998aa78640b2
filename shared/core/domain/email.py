"""An email as the engine sends it, whatever service composed it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


# Welsh councils' emails say a Welsh version is available (Welsh Language Standards).
WELSH_VERSION_NOTE = "A Welsh version of this email is available on request. Mae fersiwn Gymraeg o'r e-bost hwn ar gael ar gais."


class EmailMessage(BaseModel):
    model_config = ConfigDict(frozen=True)

    to: str
    reply_to: str
    sender: str = Field(description="The council's contact email (must be a verified SES identity)")
    subject: str
    body_text: str
