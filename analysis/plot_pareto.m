function plot_pareto(file, color_by, out)
%PLOT_PARETO Pareto plots of a stream-hpc sweep, as analysis/plot_pareto.py draws them.
%   plot_pareto('runs/quick/results.h5', 'cores', 'runs/quick/pareto_matlab')
%   One row of panels per workload (when the sweep has a 'workload' parameter): latency vs
%   energy and energy-delay product vs area, points coloured by COLOR_BY, the Pareto front
%   (both axes minimised) as a black staircase with circled points. Writes OUT.png and OUT.pdf.
%   Only feasible points (status == 0) are drawn. Column names are the ones of results.h5
%   (latency_cycles, energy_pj, edp_pj_cycles, area, total_macs, status, ...).
%   Not run in this project's CI: no MATLAB there, and Octave has no h5read.
if nargin < 2, color_by = ''; end
if nargin < 3, out = 'pareto_matlab'; end
T = load_results(file);
if iscategorical(T.status)          % the loader decodes status through its enum_labels
    T = T(T.status == 'ok', :);
else
    T = T(T.status == 0, :);
end
if ismember('workload', T.Properties.VariableNames)
    groups = categories(categorical(T.workload));
else
    groups = {''};
end
panels = {'latency_cycles', 'energy_pj', 'latency [cycles]', 'energy [pJ]';
          'area', 'edp_pj_cycles', 'area [hardware area units]', 'energy-delay product [pJ*cycles]'};
fig = figure('Visible', 'off', 'Position', [0 0 1100 420 * numel(groups)]);
for g = 1:numel(groups)
    if isempty(groups{g})
        S = T;
    else
        S = T(categorical(T.workload) == groups{g}, :);
    end
    for p = 1:2
        ax = subplot(numel(groups), 2, 2 * (g - 1) + p);
        x = double(S.(panels{p, 1}));
        y = double(S.(panels{p, 2}));
        if isempty(color_by)
            c = [0 0.45 0.74];
        else
            c = double(categorical(S.(color_by)));
        end
        scatter(ax, x, y, 18, c, 'filled', 'MarkerFaceAlpha', 0.7);
        hold(ax, 'on');
        front = pareto_front(x, y);
        [fx, order] = sort(x(front));
        fy = y(front);
        fy = fy(order);
        stairs(ax, fx, fy, 'k-', 'LineWidth', 1.3);
        plot(ax, fx, fy, 'ko', 'MarkerSize', 8, 'LineWidth', 1.5);
        hold(ax, 'off');
        xlabel(ax, panels{p, 3});
        ylabel(ax, panels{p, 4});
        if max(x) / max(min(x), eps) > 30, set(ax, 'XScale', 'log'); end
        if max(y) / max(min(y), eps) > 30, set(ax, 'YScale', 'log'); end
        grid(ax, 'on');
        title(ax, sprintf('%s: %d feasible points, front of %d', groups{g}, height(S), nnz(front)), ...
              'Interpreter', 'none');
        if ~isempty(color_by)
            colormap(ax, parula(max(2, numel(unique(c)))));
            cb = colorbar(ax);
            cb.Label.String = color_by;
            cb.Label.Interpreter = 'none';
        end
    end
end
print(fig, [out '.png'], '-dpng', '-r130');
print(fig, [out '.pdf'], '-dpdf', '-bestfit');
close(fig);
end

function mask = pareto_front(x, y)
% Points no other point dominates (both minimised); ties kept once.
[~, order] = sortrows([x(:) y(:)]);
mask = false(numel(x), 1);
best = inf;
for i = order'
    if y(i) < best
        mask(i) = true;
        best = y(i);
    end
end
end
