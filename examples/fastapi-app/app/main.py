"""A small FastAPI service: health and an in-memory list of notes."""

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI(title="notes")


class Note(BaseModel):
    text: str


notes: list[Note] = [Note(text="write a Dockerfile")]


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/notes")
def list_notes() -> list[Note]:
    return notes


@app.post("/notes", status_code=201)
def add_note(note: Note) -> Note:
    notes.append(note)
    return note
