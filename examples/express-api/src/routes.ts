import { Router } from 'express';

export interface Todo {
  id: number;
  title: string;
  done: boolean;
}

const todos: Todo[] = [
  { id: 1, title: 'Write a Dockerfile', done: false },
  { id: 2, title: 'Ship it', done: false },
];

export const todoRouter = Router();

todoRouter.get('/', (_req, res) => {
  res.json(todos);
});

todoRouter.get('/:id', (req, res) => {
  const todo = todos.find((t) => t.id === Number(req.params.id));
  if (!todo) {
    res.status(404).json({ error: 'not found' });
    return;
  }
  res.json(todo);
});

todoRouter.post('/', (req, res) => {
  const title = typeof req.body?.title === 'string' ? req.body.title.trim() : '';
  if (!title) {
    res.status(400).json({ error: 'title is required' });
    return;
  }
  const todo: Todo = { id: todos.length + 1, title, done: false };
  todos.push(todo);
  res.status(201).json(todo);
});
