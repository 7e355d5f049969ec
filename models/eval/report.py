"""Result table (text), JSON and bar chart (PNG) of an evaluation; files are written under a
temporary name and renamed when whole.

API
    table(rows) -> str     rows: the 'tasks' list of the result JSON
    write_json(result, path);  write_chart(rows, path, title)
"""
import json
import os

COLUMNS = ('pretrained', 'random', 'raw_input')


def _fmt(v, signed=False):
    if v is None:
        return '-'
    return f'{v:+.4f}' if signed else f'{v:.4f}'


def table(rows):
    head = ('task', 'metric', 'pretrained', 'random', 'delta', 'raw input')
    body = [(r['task'], r['metric'], _fmt(r['pretrained']), _fmt(r['random']), _fmt(r['delta'], True),
             _fmt(r['raw_input'])) for r in rows]
    if any('random_range' in r for r in rows):
        head += ('random, all seeds',)
        body = [b + ('{:.4f}..{:.4f}'.format(*r['random_range']) if 'random_range' in r else '-',)
                for b, r in zip(body, rows)]
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
    lines = ['  '.join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in [head] + body]
    lines.insert(1, '  '.join('-' * w for w in widths))
    return '\n'.join(lines)


def write_json(result, path):
    tmp = f'{path}.tmp'
    with open(tmp, 'w') as fh:
        json.dump(result, fh, indent=2)
        fh.write('\n')
    os.replace(tmp, path)


def write_chart(rows, path, title):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    colours = {'pretrained': '#1f77b4', 'random': '#ff7f0e', 'raw_input': '#9e9e9e'}
    shown = [c for c in COLUMNS if any(r[c] is not None for r in rows)]
    width = 0.8 / len(shown)
    fig, ax = plt.subplots(figsize=(2.2 + 2.0 * len(rows), 4.2), dpi=110)
    for j, col in enumerate(shown):
        xs = [i + (j - (len(shown) - 1) / 2) * width for i in range(len(rows))]
        vals = [r[col] if r[col] is not None else 0.0 for r in rows]
        err = None
        if col == 'random' and any('random_range' in r for r in rows):
            # whisker = range over the random seeds: the noise a pre-training delta must clear
            err = [[r[col] - r.get('random_range', [r[col]])[0] for r in rows],
                   [r.get('random_range', [0, r[col]])[1] - r[col] for r in rows]]
        bars = ax.bar(xs, vals, width, label=col.replace('_', ' '), color=colours[col], yerr=err, capsize=3)
        for i, (b, r) in enumerate(zip(bars, rows)):
            if r[col] is not None:
                top = b.get_height() + (err[1][i] if err else 0.0)
                ax.annotate(f'{r[col]:.3f}', (b.get_x() + b.get_width() / 2, top), ha='center',
                            va='bottom', fontsize=7, xytext=(0, 2), textcoords='offset points')
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([f'{r["title"]}\n{r["metric"]}' for r in rows], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel('test score (higher is better)')
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8, loc='upper right')
    fig.tight_layout()
    tmp = f'{path}.tmp.png'
    fig.savefig(tmp)
    plt.close(fig)
    os.replace(tmp, path)
