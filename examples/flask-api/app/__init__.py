"""A small Flask JSON API built by an application factory."""

from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)
    todos: list[dict] = [{"id": 1, "title": "write a Dockerfile", "done": True}]

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/todos")
    def list_todos():
        return jsonify(todos)

    @app.post("/todos")
    def add_todo():
        title = (request.get_json(silent=True) or {}).get("title", "untitled")
        todo = {"id": len(todos) + 1, "title": title, "done": False}
        todos.append(todo)
        return todo, 201

    return app
