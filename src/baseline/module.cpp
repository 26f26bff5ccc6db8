// Placeholder translation unit so the module library is never empty; real sources live beside it.
