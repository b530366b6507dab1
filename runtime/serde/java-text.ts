// The serdes read and write numbers and bytes with the JVM's rules; the one implementation
// lives with the planner's values, shared with the typer, CAST and the functions.

export * from '../../planner/values/java-text.js';
