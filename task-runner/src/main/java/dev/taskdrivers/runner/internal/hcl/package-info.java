/**
 * A parser and evaluator for HCL's native syntax, enough to read Nomad job files.
 *
 * <p>{@link dev.taskdrivers.runner.internal.hcl.HclParser} turns text into a {@link
 * dev.taskdrivers.runner.internal.hcl.Body} of attributes and labelled blocks whose values are {@link
 * dev.taskdrivers.runner.internal.hcl.Expr} trees; every node has a {@link
 * dev.taskdrivers.runner.internal.hcl.Position}. {@link dev.taskdrivers.runner.internal.hcl.HclEvaluator} applies
 * input variables and locals and returns an {@link dev.taskdrivers.runner.internal.hcl.EvaluatedBody}, whose
 * {@code toTree()} is plain maps and lists:
 *
 * <pre>
 * body  = { attribute-name: value, ..., block-type: [ block, ... ] }
 * block = { "labels": [ label, ... ], "body": body }
 * </pre>
 *
 * <p>References to values known only on the client when the task runs ({@code attr.*}, {@code node.*},
 * {@code meta.*}, {@code device.*}, {@code env["X"]} and upper-case names such as {@code NOMAD_PORT_http}) stay in
 * the result as their {@code ${...}} text. Every error is an {@link
 * dev.taskdrivers.runner.internal.hcl.HclParseException} naming file, line and column.
 */
package dev.taskdrivers.runner.internal.hcl;
