import { describe, expect, it } from 'vitest';
import { lex, type Token } from './shell-lexer.ts';

/** Tokens as short strings: words as text, operators as [op], redirections as op+target. */
const tokens = (src: string) =>
  lex(src).tokens.map((t: Token) =>
    t.type === 'word' ? t.text : t.type === 'op' ? `[${t.op === '\n' ? 'NL' : t.op}]` : `${t.op}${t.target}`,
  );

describe('lex', () => {
  it('splits words and operators', () => {
    expect(tokens('a b|c||d&&e;f&g |& h')).toEqual([
      'a',
      'b',
      '[|]',
      'c',
      '[||]',
      'd',
      '[&&]',
      'e',
      '[;]',
      'f',
      '[&]',
      'g',
      '[|&]',
      'h',
    ]);
    expect(tokens('a;;b ;& c')).toEqual(['a', '[;]', 'b', '[;]', 'c']);
    expect(tokens('(a)\nb')).toEqual(['[(]', 'a', '[)]', '[NL]', 'b']);
  });

  it('reads redirections with descriptors and targets', () => {
    expect(tokens('c >o 2>>e <i 3<>f >&2 2>&- &>b &>>c >|d 10>x')).toEqual([
      'c',
      '>o',
      '2>>e',
      '<i',
      '3<>f',
      '>&2',
      '2>&-',
      '&>b',
      '&>>c',
      '>|d',
      '10>x',
    ]);
    expect(tokens('echo 2 > x')).toEqual(['echo', '2', '>x']);
    expect(tokens('a2>x')).toEqual(['a2', '>x']);
  });

  it('removes quotes and escapes; keeps variables and substitutions as written', () => {
    expect(tokens(`a'b c'"d $e \\"f\\""\\ g`)).toEqual(['ab cd $e "f" g']);
    expect(tokens('x=$(ls -l) y=`pwd` ${z:-1} $((1+2))')).toEqual([
      'x=$(ls -l)',
      'y=`pwd`',
      '${z:-1}',
      '$((1+2))',
    ]);
  });

  it('keeps substitution texts and marks assignments and quoting', () => {
    const [word] = lex('X="$(a | b) `c`"').tokens;
    expect(word).toEqual({
      type: 'word',
      text: 'X=$(a | b) `c`',
      subs: ['a | b', 'c'],
      quoted: true,
      assignment: true,
    });
    expect(lex('<(sort a)').tokens[0]).toMatchObject({ text: '<(sort a)', subs: ['sort a'] });
    expect(lex('"X"=1').tokens[0]).toMatchObject({ assignment: false });
  });

  it('skips comments and line continuations', () => {
    expect(tokens('a # b c\nd \\\ne')).toEqual(['a', '[NL]', 'd', 'e']);
    expect(tokens('a#b')).toEqual(['a#b']);
  });

  it('reads here-document bodies after the line, and substitutions only when unquoted', () => {
    const lexed = lex('cat <<EOF; cat <<"END"\n$(id)\nEOF\n$(whoami)\nEND\nnext');
    const redirects = lexed.tokens.filter((t) => t.type === 'redirect');
    expect(redirects).toEqual([
      { type: 'redirect', op: '<<', target: '$(id)', subs: ['id'] },
      { type: 'redirect', op: '<<', target: '$(whoami)', subs: [] },
    ]);
    expect(tokens('cat <<EOF\nx\nEOF\nnext').at(-1)).toBe('next');
    expect(lexed.partial).toBe(false);
  });

  it('skips arithmetic commands', () => {
    expect(tokens('((i=i+1)); echo')).toEqual(['[;]', 'echo']);
  });

  it('reports partial input', () => {
    expect(lex("a 'b").partial).toBe(true);
    expect(lex('a "b').partial).toBe(true);
    expect(lex('a $(b').partial).toBe(true);
    expect(lex('a ${b').partial).toBe(true);
    expect(lex('a >').partial).toBe(true);
    expect(lex('cat <<EOF').partial).toBe(true);
    expect(lex('a b').partial).toBe(false);
  });
});
